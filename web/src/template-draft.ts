import {
  checkTemplateDefinition,
  type TemplateDefinition,
  templateVariables,
} from '../../functions/domain/template';
import { type PreviewOutcome, previewTemplate } from '../../functions/domain/template-preview';

/**
 * The template editor's state as the person types it, and what the server's own template code says
 * about it: the same checks, variables and preview the API would answer with. Pure (no DOM).
 */
export interface TemplateDraft {
  name: string;
  body: string;
  category: 'marketing' | 'utility' | 'authentication';
  mediaType: '' | 'image' | 'document';
  mediaUrl: string;
  mediaCaption: string;
  mediaFilename: string;
  buttons: string[];
  metaName: string;
  metaLanguage: string;
  metaFormat: 'positional' | 'named';
  /** Our variables in the order of the Meta template's body parameters, comma-separated. */
  metaBody: string;
  defaults: Record<string, string>;
}

export const EMPTY_DRAFT: TemplateDraft = {
  name: '',
  body: 'Hello {{name}}! ',
  category: 'utility',
  mediaType: '',
  mediaUrl: '',
  mediaCaption: '',
  mediaFilename: '',
  buttons: [],
  metaName: '',
  metaLanguage: 'en',
  metaFormat: 'positional',
  metaBody: '',
  defaults: {},
};

export function definitionOf(d: TemplateDraft): TemplateDefinition {
  const defaults = Object.fromEntries(Object.entries(d.defaults).filter(([, v]) => v !== ''));
  const buttons = d.buttons.map((t) => t.trim()).filter(Boolean);
  const metaBody = d.metaBody
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return {
    name: d.name.trim(),
    body: d.body,
    category: d.category,
    ...(Object.keys(defaults).length ? { defaults } : {}),
    ...(d.mediaType
      ? {
          media: {
            type: d.mediaType,
            url: d.mediaUrl.trim(),
            ...(d.mediaCaption ? { caption: d.mediaCaption } : {}),
            ...(d.mediaType === 'document' && d.mediaFilename ? { filename: d.mediaFilename } : {}),
          },
        }
      : {}),
    ...(buttons.length ? { buttons: buttons.map((title) => ({ title })) } : {}),
    ...(d.metaName.trim()
      ? {
          whatsapp: {
            name: d.metaName.trim(),
            language: d.metaLanguage.trim(),
            parameterFormat: d.metaFormat,
            body: d.metaFormat === 'named' ? metaBody.map((v) => ({ parameter: v, variable: v })) : metaBody,
          },
        }
      : {}),
  };
}

export function draftOf(t: TemplateDefinition): TemplateDraft {
  return {
    name: t.name,
    body: t.body,
    category: t.category ?? 'utility',
    mediaType: t.media?.type ?? '',
    mediaUrl: t.media?.url ?? '',
    mediaCaption: t.media?.caption ?? '',
    mediaFilename: t.media?.filename ?? '',
    buttons: (t.buttons ?? []).map((b) => b.title),
    metaName: t.whatsapp?.name ?? '',
    metaLanguage: t.whatsapp?.language ?? 'en',
    metaFormat: t.whatsapp?.parameterFormat ?? 'positional',
    metaBody: (t.whatsapp?.body ?? []).map((p) => (typeof p === 'string' ? p : p.variable)).join(', '),
    defaults: { ...(t.defaults ?? {}) },
  };
}

export interface DraftCheck {
  readonly problems: Record<string, string>;
  readonly variables: readonly string[];
  /** Undefined while the text has syntax problems (nothing can be rendered). */
  readonly preview?: PreviewOutcome;
}

/** What the editor shows beside the draft, with sample values for the variables. */
export function checkDraft(d: TemplateDraft, samples: Readonly<Record<string, string>>): DraftCheck {
  const def = definitionOf(d);
  const found = checkTemplateDefinition(def);
  const problems: Record<string, string> = {};
  for (const p of found) problems[p.field] ??= p.message;
  const values = Object.fromEntries(Object.entries(samples).filter(([, v]) => v !== ''));
  try {
    return { problems, variables: templateVariables(def), preview: previewTemplate(def, values) };
  } catch {
    // A placeholder with broken syntax: the problems above say where; nothing can be rendered yet.
    return { problems, variables: [] };
  }
}
