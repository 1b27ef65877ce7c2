/**
 * Placeholder syntax for template text: `{{name}}`, optional spaces inside the braces,
 * names `[A-Za-z_][A-Za-z0-9_]*`. Single braces are ordinary text.
 */

export type Segment =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'var'; readonly name: string };

export interface SyntaxProblem {
  /** Zero-based character offset into the text. */
  readonly position: number;
  readonly message: string;
}

export type ParseResult =
  | { readonly ok: true; readonly segments: readonly Segment[]; readonly variables: readonly string[] }
  | { readonly ok: false; readonly problems: readonly SyntaxProblem[] };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The one name the syntax allows that no JavaScript object can hold as a key: assigning `__proto__`
 * changes an object's prototype instead (JSON parsers and zod drop it), so a value for it would silently
 * vanish. Every other name, `constructor` and `toString` included, is an ordinary variable.
 */
export const RESERVED_VARIABLE_NAMES: readonly string[] = ['__proto__'];

/** Why `name` cannot be a variable, or undefined when it can. */
export function variableNameProblem(name: string): string | undefined {
  if (!NAME.test(name)) return 'use letters, digits and _, not starting with a digit';
  if (RESERVED_VARIABLE_NAMES.includes(name)) return `"${name}" is reserved`;
  return undefined;
}

export function parseTemplateText(text: string): ParseResult {
  const segments: Segment[] = [];
  const problems: SyntaxProblem[] = [];
  const variables: string[] = [];
  let cursor = 0;
  let literalStart = 0;

  const pushLiteral = (end: number) => {
    if (end > literalStart) segments.push({ kind: 'text', text: text.slice(literalStart, end) });
  };

  while (cursor < text.length) {
    const open = text.indexOf('{{', cursor);
    const close = text.indexOf('}}', cursor);
    if (close !== -1 && (open === -1 || close < open)) {
      problems.push({ position: close, message: `unmatched "}}" at position ${close}` });
      cursor = close + 2;
      continue;
    }
    if (open === -1) break;
    const end = text.indexOf('}}', open + 2);
    const nextOpen = text.indexOf('{{', open + 2);
    if (end === -1 || (nextOpen !== -1 && nextOpen < end)) {
      problems.push({ position: open, message: `unclosed "{{" at position ${open}` });
      cursor = open + 2;
      continue;
    }
    const name = text.slice(open + 2, end).trim();
    if (name === '') {
      problems.push({ position: open, message: `empty placeholder at position ${open}` });
    } else if (variableNameProblem(name)) {
      problems.push({
        position: open,
        message: `invalid variable name "${name}" at position ${open} (${variableNameProblem(name)})`,
      });
    } else {
      pushLiteral(open);
      segments.push({ kind: 'var', name });
      if (!variables.includes(name)) variables.push(name);
      literalStart = end + 2;
    }
    cursor = end + 2;
  }
  if (problems.length > 0) return { ok: false, problems };
  pushLiteral(text.length);
  return { ok: true, segments, variables };
}

export type RenderResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly missing: readonly string[] };

/** A variable counts as missing when it is absent or blank in both `values` and `defaults`. */
export function renderSegments(
  segments: readonly Segment[],
  values: Readonly<Record<string, string>>,
  defaults: Readonly<Record<string, string>> = {},
): RenderResult {
  const missing: string[] = [];
  let out = '';
  for (const segment of segments) {
    if (segment.kind === 'text') {
      out += segment.text;
      continue;
    }
    const value = pickValue(segment.name, values, defaults);
    if (value === undefined) {
      if (!missing.includes(segment.name)) missing.push(segment.name);
    } else {
      out += value;
    }
  }
  return missing.length > 0 ? { ok: false, missing } : { ok: true, text: out };
}

export function pickValue(
  name: string,
  values: Readonly<Record<string, string>>,
  defaults: Readonly<Record<string, string>>,
): string | undefined {
  const own = ownString(values, name);
  if (own !== undefined && own.trim() !== '') return own;
  const fallback = ownString(defaults, name);
  if (fallback !== undefined && fallback.trim() !== '') return fallback;
  return undefined;
}

/**
 * A value the object itself holds under `name`: `values.constructor` would otherwise find Object's own
 * constructor on the prototype, and a variable named after it would render a function or crash.
 */
function ownString(values: Readonly<Record<string, string>>, name: string): string | undefined {
  if (!Object.hasOwn(values, name)) return undefined;
  const value: unknown = values[name];
  return typeof value === 'string' ? value : undefined;
}
