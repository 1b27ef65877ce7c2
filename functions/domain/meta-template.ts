/**
 * Meta's side of a template: what the WhatsApp Business Account says about it (status, category, quality,
 * its components), read from the Graph API's template list and from template webhooks, and the pure
 * rules built on it: whether a platform template's mapping may be sent through it, and how a Meta template
 * becomes a platform template when it is imported.
 */
import type { FieldProblem, MetaTemplateMapping, TemplateCategory, TemplateDefinition } from './template';

/** A template's status at Meta (APPROVED, PENDING, REJECTED, PAUSED, DISABLED, IN_APPEAL, ...). */
export type MetaTemplateStatus = string;

/** One component of a Meta template, as the Graph API lists it. */
export interface MetaComponent {
  readonly type: string;
  readonly format?: string;
  readonly text?: string;
  readonly example?: Readonly<Record<string, unknown>>;
  readonly buttons?: readonly MetaButton[];
}

export interface MetaButton {
  readonly type: string;
  readonly text?: string;
  readonly url?: string;
  readonly phone_number?: string;
  readonly example?: unknown;
}

/** What one read of Meta's template list says about a template. */
export interface MetaTemplateFacts {
  readonly metaId?: string;
  readonly name: string;
  readonly language: string;
  readonly status: MetaTemplateStatus;
  readonly category?: string;
  readonly parameterFormat: 'positional' | 'named';
  readonly components: readonly MetaComponent[];
  readonly quality?: string;
  readonly rejectedReason?: string;
}

/** The platform's record of a Meta template: the facts, and what webhooks added since. */
export interface MetaTemplate extends MetaTemplateFacts {
  /** Why the latest status was given (a webhook's `reason`, such as a pause's). */
  readonly statusReason?: string;
  /** The category before the latest completed change. */
  readonly previousCategory?: string;
  /** A change Meta announced but has not made yet (it does not change how the template is sent). */
  readonly pendingCategory?: { readonly category: string; readonly at?: string };
  /** When a sync last read it from the Graph API. */
  readonly lastSyncedAt?: string;
  /** When the platform submitted it for approval (POST /api/templates/{id}/submit). */
  readonly submittedAt?: string;
  /** The time of the latest information applied: older information never overwrites newer. */
  readonly observedAt: string;
  readonly updatedAt: string;
}

/** What the API shows on a platform template mapped to a Meta template. */
export type MetaTemplateView = Pick<
  MetaTemplate,
  | 'metaId'
  | 'status'
  | 'category'
  | 'previousCategory'
  | 'pendingCategory'
  | 'quality'
  | 'rejectedReason'
  | 'statusReason'
  | 'parameterFormat'
  | 'lastSyncedAt'
  | 'submittedAt'
  | 'updatedAt'
>;

export function metaView(t: MetaTemplate): MetaTemplateView {
  return {
    ...(t.metaId ? { metaId: t.metaId } : {}),
    status: t.status,
    ...(t.category ? { category: t.category } : {}),
    ...(t.previousCategory ? { previousCategory: t.previousCategory } : {}),
    ...(t.pendingCategory ? { pendingCategory: t.pendingCategory } : {}),
    ...(t.quality ? { quality: t.quality } : {}),
    ...(t.rejectedReason ? { rejectedReason: t.rejectedReason } : {}),
    ...(t.statusReason ? { statusReason: t.statusReason } : {}),
    parameterFormat: t.parameterFormat,
    ...(t.lastSyncedAt ? { lastSyncedAt: t.lastSyncedAt } : {}),
    ...(t.submittedAt ? { submittedAt: t.submittedAt } : {}),
    updatedAt: t.updatedAt,
  };
}

/** A Meta template is named by its name and language: the same name exists once per language. */
export function metaTemplateLabel(name: string, language: string): string {
  return `WhatsApp template "${name}" (${language})`;
}

/** The only status in which Meta delivers a template. */
export const SENDABLE_STATUS = 'APPROVED';

/** Statuses that stop a running campaign using the template: sending would fail every recipient alike. */
export const BLOCKING_STATUSES: readonly string[] = [
  'PAUSED',
  'DISABLED',
  'REJECTED',
  'ARCHIVED',
  'PENDING_DELETION',
  'DELETED',
];

/**
 * The status a `message_template_status_update` event leaves a template in. Most events name the new
 * status; FLAGGED (a warning before a disable), LOCKED and UNLOCKED leave it as it was, and REINSTATED or
 * UNARCHIVED bring it back to APPROVED. An event this code does not know leaves the status alone.
 */
export function statusAfterEvent(event: string, current: string | undefined): string | undefined {
  const e = event.toUpperCase();
  if (['FLAGGED', 'LOCKED', 'UNLOCKED'].includes(e)) return current;
  if (e === 'REINSTATED' || e === 'UNARCHIVED') return SENDABLE_STATUS;
  const known = [
    'APPROVED',
    'PENDING',
    'REJECTED',
    'PAUSED',
    'DISABLED',
    'IN_APPEAL',
    'PENDING_DELETION',
    'DELETED',
    'ARCHIVED',
    'LIMIT_EXCEEDED',
  ];
  return known.includes(e) ? e : current;
}

const CATEGORIES: Record<string, TemplateCategory> = {
  MARKETING: 'marketing',
  UTILITY: 'utility',
  AUTHENTICATION: 'authentication',
};

/** Meta's category in the platform's words, or undefined for one it does not know. */
export function platformCategory(metaCategory: string | undefined): TemplateCategory | undefined {
  return metaCategory ? CATEGORIES[metaCategory.toUpperCase()] : undefined;
}

export function metaCategory(category: TemplateCategory): string {
  return category.toUpperCase();
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;

function readComponents(raw: unknown): MetaComponent[] {
  if (!Array.isArray(raw)) return [];
  const components: MetaComponent[] = [];
  for (const c of raw) {
    if (!isObj(c) || !str(c.type)) continue;
    const buttons = Array.isArray(c.buttons)
      ? c.buttons.filter(isObj).map(
          (b): MetaButton => ({
            type: str(b.type) ?? 'UNKNOWN',
            ...(str(b.text) ? { text: str(b.text) } : {}),
            ...(str(b.url) ? { url: str(b.url) } : {}),
            ...(str(b.phone_number) ? { phone_number: str(b.phone_number) } : {}),
            ...(b.example !== undefined ? { example: b.example } : {}),
          }),
        )
      : undefined;
    components.push({
      type: str(c.type)!.toUpperCase(),
      ...(str(c.format) ? { format: str(c.format)!.toUpperCase() } : {}),
      ...(str(c.text) ? { text: str(c.text) } : {}),
      ...(isObj(c.example) ? { example: c.example } : {}),
      ...(buttons ? { buttons } : {}),
    });
  }
  return components;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The placeholders of a Meta text, distinct, in order of first use. */
export function placeholdersOf(text: string | undefined): string[] {
  const names: string[] = [];
  for (const m of (text ?? '').matchAll(PLACEHOLDER)) if (!names.includes(m[1]!)) names.push(m[1]!);
  return names;
}

/** Reads one item of `GET /{WABA_ID}/message_templates`; undefined when it has no name or language. */
export function readGraphTemplate(raw: unknown): MetaTemplateFacts | undefined {
  if (!isObj(raw)) return undefined;
  const name = str(raw.name);
  const language = str(raw.language);
  if (!name || !language) return undefined;
  const components = readComponents(raw.components);
  const format = str(raw.parameter_format)?.toUpperCase();
  const body = components.find((c) => c.type === 'BODY');
  const namedInBody = placeholdersOf(body?.text).some((p) => !/^\d+$/.test(p));
  const quality = isObj(raw.quality_score) ? str(raw.quality_score.score) : str(raw.quality_score);
  const rejected = str(raw.rejected_reason);
  return {
    ...(str(raw.id) ? { metaId: str(raw.id) } : {}),
    name,
    language,
    status: (str(raw.status) ?? 'UNKNOWN').toUpperCase(),
    ...(str(raw.category) ? { category: str(raw.category)!.toUpperCase() } : {}),
    parameterFormat:
      format === 'NAMED'
        ? 'named'
        : format === 'POSITIONAL'
          ? 'positional'
          : namedInBody
            ? 'named'
            : 'positional',
    components,
    ...(quality ? { quality: quality.toUpperCase() } : {}),
    ...(rejected && rejected.toUpperCase() !== 'NONE' ? { rejectedReason: rejected } : {}),
  };
}

/** What a Meta template needs filled when it is sent. */
export interface MetaParameters {
  readonly format: 'positional' | 'named';
  /** Body parameters, distinct, in order: "1", "2"... or names. */
  readonly body: readonly string[];
  readonly header?:
    | { readonly kind: 'text'; readonly parameters: readonly string[] }
    | { readonly kind: 'media'; readonly format: string }
    | { readonly kind: 'other'; readonly format: string };
  /** Buttons whose URL (or code) has a variable: the platform cannot fill those. */
  readonly dynamicButtons: number;
}

export function metaParameters(t: Pick<MetaTemplateFacts, 'parameterFormat' | 'components'>): MetaParameters {
  const body = t.components.find((c) => c.type === 'BODY');
  const header = t.components.find((c) => c.type === 'HEADER');
  const buttons = t.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];
  const format = (header?.format ?? 'TEXT').toUpperCase();
  let headerParams: MetaParameters['header'];
  if (header) {
    if (format === 'TEXT') {
      const params = placeholdersOf(header.text);
      if (params.length > 0) headerParams = { kind: 'text', parameters: params };
    } else if (['IMAGE', 'VIDEO', 'DOCUMENT'].includes(format)) headerParams = { kind: 'media', format };
    else headerParams = { kind: 'other', format };
  }
  return {
    format: t.parameterFormat,
    body: placeholdersOf(body?.text),
    ...(headerParams ? { header: headerParams } : {}),
    dynamicButtons: buttons.filter((b) => placeholdersOf(b.url).length > 0 || b.type === 'COPY_CODE').length,
  };
}

const MEDIA_FORMAT: Record<string, string> = { image: 'IMAGE', document: 'DOCUMENT' };

/**
 * Where a platform template's mapping and the Meta template disagree, in words, each naming the part:
 * these are what Meta answers 132000 (parameter count) or 132012 (parameter format) to, for every recipient.
 */
export function mappingProblems(
  def: Pick<TemplateDefinition, 'whatsapp' | 'media'>,
  meta: Pick<MetaTemplateFacts, 'parameterFormat' | 'components'>,
): string[] {
  const mapping = def.whatsapp;
  if (!mapping) return [];
  const problems: string[] = [];
  const params = metaParameters(meta);
  if (params.format !== mapping.parameterFormat) {
    problems.push(
      `it uses ${params.format} parameters and the mapping ${mapping.parameterFormat} ones (parameterFormat must be "${params.format}")`,
    );
  } else if (params.format === 'positional') {
    if (mapping.body.length !== params.body.length) {
      problems.push(
        `its body has ${params.body.length} parameter${params.body.length === 1 ? '' : 's'} and the mapping fills ${mapping.body.length}`,
      );
    }
  } else {
    const filled = mapping.body.map((p) => (typeof p === 'string' ? p : p.parameter));
    const missing = params.body.filter((p) => !filled.includes(p));
    const extra = filled.filter((p) => !params.body.includes(p));
    if (missing.length > 0)
      problems.push(`the mapping does not fill its body parameter${plural(missing)} ${braces(missing)}`);
    if (extra.length > 0) problems.push(`the mapping fills ${braces(extra)}, which its body does not have`);
  }
  const header = params.header;
  const mapped = mapping.header;
  if (header?.kind === 'text') {
    if (!mapped || !('variable' in mapped)) {
      problems.push(
        `its header has the parameter ${braces(header.parameters)}, which the mapping does not fill`,
      );
    } else if (params.format === 'named') {
      const name = mapped.parameter ?? mapped.variable;
      if (!header.parameters.includes(name))
        problems.push(
          `the mapping fills the header parameter {{${name}}}, but the header has ${braces(header.parameters)}`,
        );
    }
  } else if (mapped && 'variable' in mapped) {
    problems.push('the mapping fills a header parameter, but its header has none');
  }
  if (header?.kind === 'media') {
    if (!mapped || !('media' in mapped)) {
      problems.push(
        `its header is ${article(header.format)} ${header.format.toLowerCase()}, which the mapping does not send (header: {"media": true})`,
      );
    } else if (def.media && MEDIA_FORMAT[def.media.type] !== header.format) {
      problems.push(
        `its header is ${article(header.format)} ${header.format.toLowerCase()}, and the template's media is a ${def.media.type}`,
      );
    }
  } else if (mapped && 'media' in mapped) {
    problems.push('the mapping sends the media as a header, but its header is not an image or document');
  }
  if (header?.kind === 'other') {
    problems.push(`its ${header.format.toLowerCase()} header needs parameters the platform cannot send`);
  }
  if (params.dynamicButtons > 0) {
    problems.push('it has a button with a variable (URL suffix or code), which the platform cannot fill');
  }
  return problems;
}

function plural(list: readonly unknown[]): string {
  return list.length === 1 ? '' : 's';
}

function braces(names: readonly string[]): string {
  return names.map((n) => `{{${n}}}`).join(', ');
}

function article(word: string): string {
  return /^[AEIOU]/i.test(word) ? 'an' : 'a';
}

export type SendCheck =
  | { readonly ok: true; readonly category?: TemplateCategory }
  | {
      readonly ok: false;
      readonly code: 'template_not_approved' | 'template_mismatch';
      readonly message: string;
    };

/**
 * Whether a platform template may be sent through the Meta template it is mapped to: that template must
 * be APPROVED in that language and take exactly the parameters the mapping fills. On success, the
 * category Meta sends it as (the latest completed change), which decides how it is sent.
 */
export function sendCheck(
  def: Pick<TemplateDefinition, 'whatsapp' | 'media'>,
  meta: MetaTemplate | undefined,
): SendCheck {
  const mapping = def.whatsapp;
  if (!mapping) return { ok: true };
  const label = metaTemplateLabel(mapping.name, mapping.language);
  if (!meta) {
    return {
      ok: false,
      code: 'template_not_approved',
      message: `${label} is not in the WhatsApp Business Account: submit it for approval (POST /api/templates/{id}/submit) or create it in WhatsApp Manager, then sync (POST /api/templates/sync)`,
    };
  }
  if (meta.status !== SENDABLE_STATUS) {
    const why = meta.rejectedReason ?? meta.statusReason;
    const hint =
      meta.status === 'PENDING' || meta.status === 'IN_APPEAL'
        ? "; it can be sent once Meta approves it (Meta's review usually takes minutes, at most 24 hours)"
        : meta.status === 'PAUSED'
          ? '; Meta paused it for low quality and lifts the pause after a few hours'
          : '';
    return {
      ok: false,
      code: 'template_not_approved',
      message: `${label} is ${meta.status}${why ? ` (${why})` : ''}, not APPROVED${hint}`,
    };
  }
  // A template known only from webhooks has no components yet: its parameters are checked once synced.
  const problems = meta.components.length > 0 ? mappingProblems(def, meta) : [];
  if (problems.length > 0) {
    return {
      ok: false,
      code: 'template_mismatch',
      message: `${label} does not match the template's mapping: ${problems.join('; ')}`,
    };
  }
  const category = platformCategory(meta.category);
  return { ok: true, ...(category ? { category } : {}) };
}

export interface ImportOptions {
  /** The platform template's name; Meta's name by default. */
  readonly name?: string;
  /**
   * Our variable for each Meta parameter: body ones by "1" (or their name), the header's by "header.1";
   * param1, param2... and header1 (positional) or Meta's names (named) by default.
   */
  readonly variables?: Readonly<Record<string, string>>;
  /** The media a media header sends; Meta's example image when it is a link. */
  readonly mediaUrl?: string;
}

export type ImportOutcome =
  | { readonly ok: true; readonly definition: TemplateDefinition; readonly notes: readonly string[] }
  | { readonly ok: false; readonly problems: readonly FieldProblem[] };

/**
 * A Meta template as a platform template: its body with our variables in place of `{{1}}` (or its named
 * parameters), its category, its quick replies as buttons, its media header as the media, and the mapping
 * that fills Meta's parameters from those variables. What the platform's own message cannot carry (a
 * footer, a text header, other buttons) stays part of the Meta template and is listed in `notes`.
 */
export function importMetaTemplate(meta: MetaTemplateFacts, options: ImportOptions = {}): ImportOutcome {
  const problems: FieldProblem[] = [];
  const notes: string[] = [];
  const params = metaParameters(meta);
  const chosen = options.variables ?? {};
  const variableFor = (parameter: string, prefix: string) =>
    chosen[parameter] ?? (/^\d+$/.test(parameter) ? `${prefix}${parameter}` : parameter);
  const body = meta.components.find((c) => c.type === 'BODY');
  if (!body?.text)
    return {
      ok: false,
      problems: [
        { field: 'components', message: `${metaTemplateLabel(meta.name, meta.language)} has no body text` },
      ],
    };
  const text = body.text.replace(PLACEHOLDER, (_, p: string) => `{{${variableFor(p, 'param')}}}`);
  const ordered =
    params.format === 'positional' ? [...params.body].sort((a, b) => Number(a) - Number(b)) : params.body;
  const mappingBody = ordered.map((p) => {
    const variable = variableFor(p, 'param');
    return params.format === 'named' && variable !== p ? { parameter: p, variable } : variable;
  });
  if (params.format === 'positional') {
    const expected = ordered.map((_, i) => String(i + 1));
    if (ordered.join(',') !== expected.join(',')) {
      problems.push({
        field: 'components',
        message: `its body parameters must be {{1}} to {{${ordered.length}}} (got ${braces(ordered)})`,
      });
    }
  }
  let header: MetaTemplateMapping['header'];
  let media: TemplateDefinition['media'];
  if (params.header?.kind === 'text') {
    const p = params.header.parameters[0]!;
    // The header's {{1}} is not the body's: it is chosen as "header.1" (or by its name, when named).
    const variable =
      chosen[`header.${p}`] ?? (params.format === 'named' ? variableFor(p, 'header') : `header${p}`);
    header = params.format === 'named' && variable !== p ? { variable, parameter: p } : { variable };
    notes.push("its header text is sent with the Meta template; the platform's own message has no header");
  } else if (params.header?.kind === 'media') {
    const type =
      params.header.format === 'IMAGE'
        ? 'image'
        : params.header.format === 'DOCUMENT'
          ? 'document'
          : undefined;
    const headerComponent = meta.components.find((c) => c.type === 'HEADER');
    const example = headerComponent?.example?.header_handle;
    const exampleUrl = Array.isArray(example) && typeof example[0] === 'string' ? example[0] : undefined;
    const url = options.mediaUrl ?? (exampleUrl && /^https?:\/\//.test(exampleUrl) ? exampleUrl : undefined);
    if (!type) {
      problems.push({
        field: 'components',
        message: `its ${params.header.format.toLowerCase()} header cannot be sent by the platform (images and documents only)`,
      });
    } else if (!url) {
      problems.push({
        field: 'mediaUrl',
        message: `its header is ${article(type)} ${type}: give mediaUrl, the file to send with it`,
      });
    } else {
      media = { type, url };
      header = { media: true };
    }
  } else if (params.header?.kind === 'other') {
    problems.push({
      field: 'components',
      message: `its ${params.header.format.toLowerCase()} header cannot be sent by the platform`,
    });
  } else if (meta.components.some((c) => c.type === 'HEADER')) {
    notes.push("its header text is sent with the Meta template; the platform's own message has no header");
  }
  if (params.dynamicButtons > 0) {
    problems.push({
      field: 'components',
      message: 'it has a button with a variable (URL suffix or code), which the platform cannot fill',
    });
  }
  const metaButtons = meta.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [];
  const replies = metaButtons.filter((b) => b.type === 'QUICK_REPLY' && b.text);
  const buttons = replies.slice(0, 3).map((b) => ({ title: b.text!.slice(0, 20) }));
  if (replies.length > 3)
    notes.push(`only its first 3 quick replies are buttons of the platform's own message`);
  if (replies.some((b) => b.text!.length > 20))
    notes.push("quick replies longer than 20 characters are shortened in the platform's own message");
  if (metaButtons.length > replies.length)
    notes.push('its URL, phone and other buttons are sent with the Meta template only');
  if (meta.components.some((c) => c.type === 'FOOTER'))
    notes.push("its footer is sent with the Meta template; the platform's own message has none");
  if (problems.length > 0) return { ok: false, problems };
  const category = platformCategory(meta.category) ?? 'utility';
  const definition: TemplateDefinition = {
    name: options.name ?? meta.name,
    body: text,
    category,
    ...(media ? { media } : {}),
    ...(buttons.length > 0 ? { buttons } : {}),
    whatsapp: {
      name: meta.name,
      language: meta.language,
      parameterFormat: params.format,
      body: mappingBody,
      ...(header ? { header } : {}),
    },
  };
  return { ok: true, definition, notes };
}

/**
 * A template's record after a sync read `facts` at `at`. What only webhooks tell is kept: the reason for
 * the status while the status stays, an announced category change until it happens, the submission time.
 * A category that differs from the one stored is a completed change.
 */
export function recordFromSync(
  current: MetaTemplate | undefined,
  facts: MetaTemplateFacts,
  at: string,
): MetaTemplate {
  const categoryChanged = current?.category && facts.category && current.category !== facts.category;
  const previousCategory = categoryChanged ? current.category : current?.previousCategory;
  const pending =
    current?.pendingCategory && current.pendingCategory.category !== facts.category
      ? current.pendingCategory
      : undefined;
  const statusReason = current?.status === facts.status ? current.statusReason : undefined;
  return {
    ...facts,
    ...(statusReason ? { statusReason } : {}),
    ...(previousCategory ? { previousCategory } : {}),
    ...(pending ? { pendingCategory: pending } : {}),
    ...(current?.submittedAt ? { submittedAt: current.submittedAt } : {}),
    lastSyncedAt: at,
    observedAt: at,
    updatedAt: at,
  };
}

/** Whether a sync changed anything a person would see (the sync time aside). */
export function recordChanged(before: MetaTemplate | undefined, after: MetaTemplate): boolean {
  if (!before) return true;
  const seen = (t: MetaTemplate) =>
    JSON.stringify([
      t.metaId,
      t.status,
      t.category,
      t.quality,
      t.rejectedReason,
      t.parameterFormat,
      t.components,
      t.pendingCategory,
    ]);
  return seen(before) !== seen(after);
}

/** A template update from a webhook, in the shape domain/webhook.ts reads it. */
export type TemplateWebhookUpdate =
  | {
      readonly kind: 'template_status';
      readonly metaId?: string;
      readonly name: string;
      readonly language: string;
      readonly at?: string;
      readonly event: string;
      readonly reason?: string;
      readonly category?: string;
      readonly disableDate?: string;
      readonly info?: string;
    }
  | {
      readonly kind: 'template_quality';
      readonly metaId?: string;
      readonly name: string;
      readonly language: string;
      readonly at?: string;
      readonly quality: string;
      readonly previous?: string;
    }
  | {
      readonly kind: 'template_category';
      readonly metaId?: string;
      readonly name: string;
      readonly language: string;
      readonly at?: string;
      readonly category: string;
      readonly previous?: string;
      readonly pending?: { readonly at?: string };
    };

/**
 * How much newer than a webhook the stored information must be for the webhook to be ignored. Meta's
 * entry time is in whole seconds and its clock is not ours, so a webhook raised in the second of a sync
 * (or a submission) is applied: it may well report what happened just after the sync read the list.
 */
export const WEBHOOK_TOLERANCE_MS = 5000;

/**
 * A template's record after a webhook raised at `at` (or received then). Undefined when the record
 * holds information read well after the webhook was raised (a sync since), so a late redelivery changes
 * nothing. A template the platform never read gets a record without components: its parameters are
 * checked once a sync has read them.
 */
export function recordFromUpdate(
  current: MetaTemplate | undefined,
  update: TemplateWebhookUpdate,
  at: string,
): MetaTemplate | undefined {
  if (current && Date.parse(current.observedAt) - Date.parse(at) > WEBHOOK_TOLERANCE_MS) return undefined;
  const observedAt = current && current.observedAt > at ? current.observedAt : at;
  const base: MetaTemplate = current ?? {
    name: update.name,
    language: update.language,
    status: 'UNKNOWN',
    parameterFormat: 'positional',
    components: [],
    observedAt: at,
    updatedAt: at,
  };
  const stamped = {
    ...base,
    ...(update.metaId ? { metaId: update.metaId } : {}),
    observedAt,
    updatedAt: observedAt,
  };
  switch (update.kind) {
    case 'template_status': {
      const status = statusAfterEvent(update.event, current?.status) ?? base.status;
      const { rejectedReason: _r, statusReason: _s, ...rest } = stamped;
      const flagged =
        update.event === 'FLAGGED'
          ? `flagged for low quality${update.disableDate ? `; it will be disabled on ${update.disableDate}` : ''}`
          : undefined;
      const why = [update.reason, update.info, flagged].filter(Boolean).join('; ');
      const keepReason = status === current?.status && update.event !== status && !why;
      return {
        ...rest,
        status,
        ...(!rest.category && update.category ? { category: update.category } : {}),
        ...(status === 'REJECTED' && update.reason ? { rejectedReason: update.reason } : {}),
        ...(status === 'REJECTED' && !update.reason && current?.rejectedReason
          ? { rejectedReason: current.rejectedReason }
          : {}),
        ...(why
          ? { statusReason: why }
          : keepReason && current?.statusReason
            ? { statusReason: current.statusReason }
            : {}),
      };
    }
    case 'template_quality':
      return { ...stamped, quality: update.quality };
    case 'template_category': {
      if (update.pending) {
        return {
          ...stamped,
          pendingCategory: {
            category: update.category,
            ...(update.pending.at ? { at: update.pending.at } : {}),
          },
        };
      }
      const { pendingCategory: _p, ...rest } = stamped;
      const previous = update.previous ?? (base.category !== update.category ? base.category : undefined);
      return {
        ...rest,
        category: update.category,
        ...(previous
          ? { previousCategory: previous }
          : base.previousCategory
            ? { previousCategory: base.previousCategory }
            : {}),
      };
    }
  }
}

/** Why a campaign was paused for its template: shown on the campaign as `pauseReason`. */
export function templatePauseReason(
  meta: Pick<MetaTemplate, 'name' | 'language' | 'status' | 'statusReason' | 'rejectedReason'>,
): string {
  const why = meta.rejectedReason ?? meta.statusReason;
  return `${metaTemplateLabel(meta.name, meta.language)} is ${meta.status}${why ? ` (${why})` : ''}: resume the campaign once Meta approves it again`;
}
