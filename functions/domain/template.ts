import { LIMITS } from './limits';
import type { LinkMedia, OutboundContent, ReplyButton, TemplateParameter } from './outbound-message';
import { parseTemplateText, pickValue, renderSegments, type Segment } from './template-text';

export type TemplateCategory = 'marketing' | 'utility' | 'authentication';

/** How our variables fill a Meta-approved template's parameters. */
export interface MetaTemplateMapping {
  readonly name: string;
  readonly language: string;
  readonly parameterFormat: 'positional' | 'named';
  /** Body parameters in order ({{1}}, {{2}}, ...) or by name: our variable, and Meta's parameter name when it differs. */
  readonly body: readonly (string | { readonly parameter: string; readonly variable: string })[];
  /** A text header parameter filled from one of our variables, or the template's media as the header. */
  readonly header?: { readonly variable: string; readonly parameter?: string } | { readonly media: true };
}

export interface TemplateDefinition {
  readonly name: string;
  readonly body: string;
  readonly category: TemplateCategory;
  readonly defaults?: Readonly<Record<string, string>>;
  readonly media?: LinkMedia & { readonly caption?: string };
  readonly buttons?: readonly { readonly id?: string; readonly title: string }[];
  readonly whatsapp?: MetaTemplateMapping;
}

export interface Template extends TemplateDefinition {
  readonly id: string;
  readonly version: number;
  readonly variables: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** Rules zod cannot express: placeholder syntax, button uniqueness, mapping references. */
export function checkTemplateDefinition(def: TemplateDefinition): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, text] of textFields(def)) {
    const parsed = parseTemplateText(text);
    if (!parsed.ok) for (const p of parsed.problems) problems.push({ field, message: p.message });
  }
  const titles = new Set<string>();
  def.buttons?.forEach((button, i) => {
    const key = button.title.trim().toLowerCase();
    if (titles.has(key))
      problems.push({ field: `buttons.${i}.title`, message: `duplicate button title "${button.title}"` });
    titles.add(key);
  });
  if (def.category === 'marketing' && !def.whatsapp) {
    problems.push({
      field: 'whatsapp',
      message:
        'marketing templates must be mapped to a Meta-approved template (WhatsApp only delivers marketing as templates)',
    });
  }
  if (def.whatsapp) {
    const header = def.whatsapp.header;
    if (header && 'media' in header && !def.media) {
      problems.push({ field: 'whatsapp.header', message: 'a media header needs the template to have media' });
    }
    if (def.whatsapp.parameterFormat === 'named') {
      const names = def.whatsapp.body.map((p) => (typeof p === 'string' ? p : p.parameter));
      names.forEach((n, i) => {
        if (!/^[a-z_][a-z0-9_]*$/.test(n)) {
          problems.push({
            field: `whatsapp.body.${i}`,
            message: `Meta parameter names use lower-case letters, digits and _ ("${n}" is not allowed)`,
          });
        }
      });
    }
  }
  return problems;
}

function textFields(def: TemplateDefinition): [string, string][] {
  const fields: [string, string][] = [['body', def.body]];
  if (def.media?.caption !== undefined) fields.push(['media.caption', def.media.caption]);
  return fields;
}

function segmentsOf(text: string): Segment[] {
  const parsed = parseTemplateText(text);
  if (!parsed.ok) throw new Error('template text was not validated before use');
  return [...parsed.segments];
}

function mappedVariable(p: string | { variable: string }): string {
  return typeof p === 'string' ? p : p.variable;
}

/** Every variable the template can use, in first-use order: body, caption, then Meta parameters. */
export function templateVariables(def: TemplateDefinition): string[] {
  const names: string[] = [];
  const add = (n: string) => {
    if (!names.includes(n)) names.push(n);
  };
  for (const [, text] of textFields(def)) {
    for (const s of segmentsOf(text)) if (s.kind === 'var') add(s.name);
  }
  const header = def.whatsapp?.header;
  if (header && 'variable' in header) add(header.variable);
  for (const p of def.whatsapp?.body ?? []) add(mappedVariable(p));
  return names;
}

export function buttonId(button: { id?: string; title: string }, index: number): string {
  if (button.id) return button.id;
  const slug = button.title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return slug || `button-${index + 1}`;
}

export type RenderOutcome =
  | {
      readonly ok: true;
      /** The text the customer reads (body, or caption for media). */
      readonly text: string;
      /** Free-form message, allowed inside the 24-hour customer service window. */
      readonly session: OutboundContent;
      /** Meta-approved template message, when the template is mapped. */
      readonly metaTemplate?: OutboundContent;
    }
  | { readonly ok: false; readonly code: 'missing_variables'; readonly missing: readonly string[] }
  | {
      readonly ok: false;
      readonly code: 'message_too_long';
      readonly field: string;
      readonly length: number;
      readonly limit: number;
    }
  | {
      readonly ok: false;
      readonly code: 'invalid_parameter';
      readonly variable: string;
      readonly message: string;
    };

/**
 * Renders a template with a recipient's variables. All missing variables are reported together,
 * and WhatsApp's length limits are checked here so nothing over the limit reaches the Graph API.
 */
export function renderTemplate(
  def: TemplateDefinition,
  values: Readonly<Record<string, string>>,
): RenderOutcome {
  const defaults = def.defaults ?? {};
  const missing = templateVariables(def).filter((n) => pickValue(n, values, defaults) === undefined);
  if (missing.length > 0) return { ok: false, code: 'missing_variables', missing };

  const render = (text: string) => {
    const r = renderSegments(segmentsOf(text), values, defaults);
    if (!r.ok) throw new Error('unreachable: missing variables were checked above');
    return r.text;
  };
  const body = render(def.body);
  const buttons: ReplyButton[] = (def.buttons ?? []).map((b, i) => ({ id: buttonId(b, i), title: b.title }));

  let session: OutboundContent;
  let text: string;
  if (buttons.length > 0) {
    text = body;
    if (body.length > LIMITS.interactiveBody) return tooLong('body', body, LIMITS.interactiveBody);
    session = { kind: 'buttons', body, buttons, ...(def.media ? { header: mediaOf(def.media) } : {}) };
  } else if (def.media) {
    text = def.media.caption !== undefined ? render(def.media.caption) : body;
    if (text.length > LIMITS.caption) {
      return tooLong(def.media.caption !== undefined ? 'media.caption' : 'body', text, LIMITS.caption);
    }
    session = { kind: 'media', media: mediaOf(def.media), ...(text ? { caption: text } : {}) };
  } else {
    text = body;
    if (body.length > LIMITS.textBody) return tooLong('body', body, LIMITS.textBody);
    session = { kind: 'text', body };
  }

  if (!def.whatsapp) return { ok: true, text, session };
  if (body.length > LIMITS.metaTemplateBody) return tooLong('body', body, LIMITS.metaTemplateBody);
  const metaTemplate = buildMetaTemplate(def, def.whatsapp, values, defaults, body);
  if ('code' in metaTemplate) return metaTemplate;
  return { ok: true, text, session, metaTemplate };
}

function mediaOf(media: LinkMedia): LinkMedia {
  return { type: media.type, url: media.url, ...(media.filename ? { filename: media.filename } : {}) };
}

function tooLong(field: string, text: string, limit: number): RenderOutcome {
  return { ok: false, code: 'message_too_long', field, length: text.length, limit };
}

// Meta rejects template parameter values with new lines, tabs or more than four consecutive spaces.
const BAD_PARAMETER = /[\n\t]| {5,}/;

function buildMetaTemplate(
  def: TemplateDefinition,
  mapping: MetaTemplateMapping,
  values: Readonly<Record<string, string>>,
  defaults: Readonly<Record<string, string>>,
  preview: string,
): OutboundContent | Extract<RenderOutcome, { code: 'invalid_parameter' }> {
  const named = mapping.parameterFormat === 'named';
  const parameter = (variable: string, metaName?: string): TemplateParameter => ({
    ...(named ? { name: metaName ?? variable } : {}),
    text: pickValue(variable, values, defaults) ?? '',
  });
  const bodyParameters = mapping.body.map((p) =>
    typeof p === 'string' ? parameter(p) : parameter(p.variable, p.parameter),
  );
  const header = mapping.header;
  const headerText =
    header && 'variable' in header ? parameter(header.variable, header.parameter) : undefined;
  for (const [i, p] of [...bodyParameters, ...(headerText ? [headerText] : [])].entries()) {
    if (BAD_PARAMETER.test(p.text)) {
      const variable =
        i < mapping.body.length
          ? mappedVariable(mapping.body[i]!)
          : (header as { variable: string }).variable;
      return {
        ok: false,
        code: 'invalid_parameter',
        variable,
        message: `the value of "${variable}" contains a new line, a tab or more than four spaces in a row, which WhatsApp does not allow in template parameters`,
      };
    }
  }
  return {
    kind: 'template',
    name: mapping.name,
    language: mapping.language,
    bodyParameters,
    ...(headerText ? { headerText } : {}),
    ...(header && 'media' in header && def.media ? { headerMedia: mediaOf(def.media) } : {}),
    preview,
  };
}
