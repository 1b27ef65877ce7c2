/**
 * Submitting a platform template to Meta for approval: the rules Meta applies at creation, checked before
 * anything is sent (so a user learns in a second what Meta would reject in a day), and the creation
 * request (`POST /{WABA_ID}/message_templates`) with the example values Meta requires.
 */
import { metaCategory } from './meta-template';
import type { MetaTemplateMapping, TemplateDefinition } from './template';
import { parseTemplateText, type Segment } from './template-text';

/** Meta's limits for template creation (Template fundamentals and the component reference). */
export const META_TEMPLATE_LIMITS = {
  nameLength: 512,
  body: 1024,
  headerText: 60,
  footer: 60,
  buttons: 10,
  quickReplies: 10,
  urlButtons: 2,
  phoneButtons: 1,
  buttonText: 25,
  url: 2000,
  /** Template creations per WhatsApp Business Account per hour. */
  creationsPerHour: 100,
} as const;

export type ExtraButton =
  | { readonly type: 'url'; readonly text: string; readonly url: string }
  | { readonly type: 'phone_number'; readonly text: string; readonly phoneNumber: string };

export interface SubmitOptions {
  /** Meta's name for it; the template's mapping name by default. */
  readonly name?: string;
  /** Meta's language code (en_US, de...); the mapping's language by default. */
  readonly language?: string;
  /** A sample value for each variable (Meta reviews the template with them); the template's defaults fill in. */
  readonly examples?: Readonly<Record<string, string>>;
  /** A text header (at most one variable). */
  readonly headerText?: string;
  /** The sample of a media header: a handle from Meta's Resumable Upload API ("4::..."). */
  readonly headerHandle?: string;
  readonly footer?: string;
  /** Buttons besides the template's quick replies. */
  readonly buttons?: readonly ExtraButton[];
}

/** A rule Meta would reject the template for, with the field and the rule's name. */
export interface SubmitProblem {
  readonly rule: string;
  readonly field: string;
  readonly message: string;
}

export interface CreationRequest {
  readonly name: string;
  readonly language: string;
  readonly category: string;
  readonly parameter_format: 'NAMED';
  readonly components: readonly Record<string, unknown>[];
}

export type SubmitPlan =
  | { readonly ok: true; readonly request: CreationRequest; readonly mapping: MetaTemplateMapping }
  | { readonly ok: false; readonly problems: readonly SubmitProblem[] };

const NAME = /^[a-z0-9_]+$/;
const LANGUAGE = /^[a-z]{2,3}(_[A-Z]{2})?$/;
// Meta refuses sample and parameter values with new lines, tabs or more than four spaces in a row.
const BAD_VALUE = /[\n\t]| {5,}/;

/** A variable's name as a Meta named parameter (lower-case letters, digits and _): customerName → customer_name. */
export function metaParameterName(variable: string): string {
  const snake = variable
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  return /^[0-9]/.test(snake) ? `p_${snake}` : snake;
}

function segments(text: string): Segment[] | undefined {
  const parsed = parseTemplateText(text);
  return parsed.ok ? [...parsed.segments] : undefined;
}

/** Where variables sit in a text: adjacent to each other, or at its start or end. */
function placementProblems(field: string, parts: readonly Segment[]): SubmitProblem[] {
  const problems: SubmitProblem[] = [];
  const meaningful = parts.filter((s) => s.kind === 'var' || s.text.trim() !== '');
  const first = meaningful[0];
  const last = meaningful[meaningful.length - 1];
  if (first?.kind === 'var') {
    problems.push({
      rule: 'variable_at_start',
      field,
      message: `${field} starts with {{${first.name}}}: Meta does not allow a variable at the start; put text before it`,
    });
  }
  if (last?.kind === 'var' && meaningful.length > 1) {
    problems.push({
      rule: 'variable_at_end',
      field,
      message: `${field} ends with {{${last.name}}}: Meta does not allow a variable at the end; put text (even a full stop) after it`,
    });
  }
  for (let i = 1; i < meaningful.length; i++) {
    const a = meaningful[i - 1]!;
    const b = meaningful[i]!;
    if (a.kind === 'var' && b.kind === 'var') {
      problems.push({
        rule: 'adjacent_variables',
        field,
        message: `${field} has {{${a.name}}} and {{${b.name}}} next to each other: Meta requires text between two variables`,
      });
    }
  }
  return problems;
}

/**
 * Checks a platform template against Meta's creation rules and builds the request. Every problem is
 * reported at once, each naming its rule and field. Parameters are always named (`parameter_format:
 * NAMED`), from our variable names; the mapping that fills them is returned for the platform template.
 */
export function planSubmission(def: TemplateDefinition, options: SubmitOptions = {}): SubmitPlan {
  const problems: SubmitProblem[] = [];
  const name = options.name ?? def.whatsapp?.name;
  const language = options.language ?? def.whatsapp?.language;
  if (!name) {
    problems.push({
      rule: 'name_required',
      field: 'name',
      message: 'name: give the name Meta should know it by (the template has no mapping to take it from)',
    });
  } else if (!NAME.test(name) || name.length > META_TEMPLATE_LIMITS.nameLength) {
    problems.push({
      rule: 'name_format',
      field: 'name',
      message: `name "${name}": Meta's template names use lower-case letters, digits and _ only, at most ${META_TEMPLATE_LIMITS.nameLength} characters`,
    });
  }
  if (!language) {
    problems.push({
      rule: 'language_required',
      field: 'language',
      message: 'language: give the language code (en_US, de...)',
    });
  } else if (!LANGUAGE.test(language)) {
    problems.push({
      rule: 'language_format',
      field: 'language',
      message: `language "${language}" is not a WhatsApp language code such as en_US or de`,
    });
  }
  if (def.category === 'authentication') {
    problems.push({
      rule: 'authentication_category',
      field: 'category',
      message:
        "authentication templates have Meta's fixed one-time-password format: create them in WhatsApp Manager",
    });
  }

  const body = segments(def.body) ?? [];
  const bodyVars = distinct(body.filter((s) => s.kind === 'var').map((s) => (s as { name: string }).name));
  if (def.body.length > META_TEMPLATE_LIMITS.body) {
    problems.push({
      rule: 'body_length',
      field: 'body',
      message: `body is ${def.body.length} characters; Meta allows ${META_TEMPLATE_LIMITS.body}`,
    });
  }
  problems.push(...placementProblems('body', body));

  let headerVars: string[] = [];
  let headerParts: Segment[] | undefined;
  if (options.headerText !== undefined) {
    headerParts = segments(options.headerText);
    if (!headerParts) {
      problems.push({
        rule: 'header_syntax',
        field: 'headerText',
        message: 'headerText has a malformed {{placeholder}}',
      });
    } else {
      headerVars = distinct(
        headerParts.filter((s) => s.kind === 'var').map((s) => (s as { name: string }).name),
      );
      if (options.headerText.length > META_TEMPLATE_LIMITS.headerText)
        problems.push({
          rule: 'header_length',
          field: 'headerText',
          message: `headerText is ${options.headerText.length} characters; Meta allows ${META_TEMPLATE_LIMITS.headerText}`,
        });
      if (headerVars.length > 1)
        problems.push({
          rule: 'header_variables',
          field: 'headerText',
          message: `headerText has ${headerVars.length} variables; Meta allows one`,
        });
    }
    if (def.media) {
      problems.push({
        rule: 'header_conflict',
        field: 'headerText',
        message: "the template's media is its header; a template has one header, text or media",
      });
    }
  }
  if (def.media && !options.headerHandle) {
    problems.push({
      rule: 'header_example_missing',
      field: 'headerHandle',
      message: `the template's ${def.media.type} is its header, and Meta needs a sample of it: upload the file with Meta's Resumable Upload API and give its handle as headerHandle`,
    });
  }
  if (options.footer !== undefined) {
    if (options.footer.length > META_TEMPLATE_LIMITS.footer)
      problems.push({
        rule: 'footer_length',
        field: 'footer',
        message: `footer is ${options.footer.length} characters; Meta allows ${META_TEMPLATE_LIMITS.footer}`,
      });
    if (/\{\{/.test(options.footer))
      problems.push({
        rule: 'footer_variables',
        field: 'footer',
        message: 'footer: Meta allows no variables in a footer',
      });
  }

  // Examples: every variable Meta will see needs a sample value.
  const examples: Record<string, string> = { ...(def.defaults ?? {}), ...(options.examples ?? {}) };
  const needed = distinct([...headerVars, ...bodyVars]);
  const missing = needed.filter((v) => !examples[v]?.trim());
  if (missing.length > 0) {
    problems.push({
      rule: 'examples_missing',
      field: 'examples',
      message: `Meta needs a sample value for every variable: give examples for ${missing.join(', ')}`,
    });
  }
  for (const v of needed) {
    if (examples[v] && BAD_VALUE.test(examples[v])) {
      problems.push({
        rule: 'example_format',
        field: `examples.${v}`,
        message: `the example for ${v} has a new line, a tab or more than four spaces in a row`,
      });
    }
  }
  const parameterOf = new Map<string, string>();
  for (const v of needed) {
    const p = metaParameterName(v);
    const clash = [...parameterOf.entries()].find(([, q]) => q === p);
    if (clash) {
      problems.push({
        rule: 'parameter_name_clash',
        field: 'body',
        message: `${clash[0]} and ${v} would both be Meta's parameter {{${p}}}: rename one`,
      });
    }
    parameterOf.set(v, p);
  }

  const quickReplies = (def.buttons ?? []).map((b) => ({ type: 'QUICK_REPLY', text: b.title }));
  const extra = (options.buttons ?? []).map((b) =>
    b.type === 'url'
      ? { type: 'URL', text: b.text, url: b.url }
      : { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phoneNumber },
  );
  const allButtons = [...quickReplies, ...extra];
  if (allButtons.length > META_TEMPLATE_LIMITS.buttons)
    problems.push({
      rule: 'button_count',
      field: 'buttons',
      message: `${allButtons.length} buttons; Meta allows ${META_TEMPLATE_LIMITS.buttons} in all`,
    });
  if (quickReplies.length > META_TEMPLATE_LIMITS.quickReplies)
    problems.push({
      rule: 'quick_reply_count',
      field: 'buttons',
      message: `Meta allows ${META_TEMPLATE_LIMITS.quickReplies} quick replies`,
    });
  const urls = extra.filter((b) => b.type === 'URL');
  if (urls.length > META_TEMPLATE_LIMITS.urlButtons)
    problems.push({
      rule: 'url_button_count',
      field: 'buttons',
      message: `${urls.length} URL buttons; Meta allows ${META_TEMPLATE_LIMITS.urlButtons}`,
    });
  if (extra.filter((b) => b.type === 'PHONE_NUMBER').length > META_TEMPLATE_LIMITS.phoneButtons)
    problems.push({
      rule: 'phone_button_count',
      field: 'buttons',
      message: `Meta allows ${META_TEMPLATE_LIMITS.phoneButtons} phone number button`,
    });
  allButtons.forEach((b, i) => {
    if (b.text.length > META_TEMPLATE_LIMITS.buttonText)
      problems.push({
        rule: 'button_text_length',
        field: `buttons.${i}`,
        message: `button "${b.text}" is ${b.text.length} characters; Meta allows ${META_TEMPLATE_LIMITS.buttonText}`,
      });
  });
  for (const [i, b] of (options.buttons ?? []).entries()) {
    if (b.type !== 'url') continue;
    if (!/^https?:\/\/[^\s]+$/.test(b.url) || b.url.length > META_TEMPLATE_LIMITS.url)
      problems.push({
        rule: 'button_url',
        field: `buttons.${i}.url`,
        message: `"${b.url.slice(0, 80)}" must be an http(s) URL of at most ${META_TEMPLATE_LIMITS.url} characters`,
      });
    else if (/\{\{/.test(b.url))
      problems.push({
        rule: 'button_url_variable',
        field: `buttons.${i}.url`,
        message: 'URL buttons with a variable cannot be filled by the platform; use a fixed URL',
      });
  }

  if (problems.length > 0 || !name || !language) return { ok: false, problems };

  const named = (parts: readonly Segment[]) =>
    parts.map((s) => (s.kind === 'var' ? `{{${parameterOf.get(s.name)}}}` : s.text)).join('');
  const samples = (vars: readonly string[]) =>
    vars.map((v) => ({ param_name: parameterOf.get(v)!, example: examples[v]! }));
  const components: Record<string, unknown>[] = [];
  if (headerParts) {
    components.push({
      type: 'HEADER',
      format: 'TEXT',
      text: named(headerParts),
      ...(headerVars.length > 0 ? { example: { header_text_named_params: samples(headerVars) } } : {}),
    });
  } else if (def.media) {
    components.push({
      type: 'HEADER',
      format: def.media.type === 'image' ? 'IMAGE' : 'DOCUMENT',
      example: { header_handle: [options.headerHandle] },
    });
  }
  components.push({
    type: 'BODY',
    text: named(body),
    ...(bodyVars.length > 0 ? { example: { body_text_named_params: samples(bodyVars) } } : {}),
  });
  if (options.footer) components.push({ type: 'FOOTER', text: options.footer });
  if (allButtons.length > 0) components.push({ type: 'BUTTONS', buttons: allButtons });

  const mapping: MetaTemplateMapping = {
    name,
    language,
    parameterFormat: 'named',
    body: bodyVars.map((v) =>
      parameterOf.get(v) === v ? v : { parameter: parameterOf.get(v)!, variable: v },
    ),
    ...(headerVars[0]
      ? {
          header:
            parameterOf.get(headerVars[0]) === headerVars[0]
              ? { variable: headerVars[0] }
              : { variable: headerVars[0], parameter: parameterOf.get(headerVars[0])! },
        }
      : def.media
        ? { header: { media: true as const } }
        : {}),
  };
  return {
    ok: true,
    request: { name, language, category: metaCategory(def.category), parameter_format: 'NAMED', components },
    mapping,
  };
}

function distinct(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** Meta's hourly creation limit over a rolling hour: the creations kept, and when the next one may go. */
export function creationWindow(
  times: readonly number[],
  nowMs: number,
  limit: number = META_TEMPLATE_LIMITS.creationsPerHour,
): { readonly recent: number[]; readonly allowed: boolean; readonly nextAt?: number } {
  const hourAgo = nowMs - 3_600_000;
  const recent = times.filter((t) => t > hourAgo).sort((a, b) => a - b);
  if (recent.length < limit) return { recent, allowed: true };
  return { recent, allowed: false, nextAt: recent[recent.length - limit]! + 3_600_000 };
}
