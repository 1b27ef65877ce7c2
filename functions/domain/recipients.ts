import type { CountryCode } from 'libphonenumber-js';
import { normalizePhone } from './phone';
import { pickValue } from './template-text';

export interface RecipientInput {
  readonly phone: string;
  readonly variables?: Readonly<Record<string, string>>;
}

export interface Recipient {
  readonly phone: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** One bad row: its number (1-based; for CSV the line in the file, the header being line 1). */
export interface RowProblem {
  readonly row: number;
  readonly phone: string;
  readonly problems: readonly string[];
  readonly missingVariables?: readonly string[];
}

export type RecipientsResult =
  | { readonly ok: true; readonly recipients: readonly Recipient[]; readonly duplicatesMerged: number }
  | { readonly ok: false; readonly rows: readonly RowProblem[] };

export interface RecipientRules {
  /** Variables every recipient must end up with (the template's, less those with defaults). */
  readonly requiredVariables: readonly string[];
  readonly templateDefaults?: Readonly<Record<string, string>>;
  readonly defaultCountry?: CountryCode;
}

/**
 * Checks every row and reports every bad one, so a 1,000-row upload is fixed in one go.
 * Duplicate numbers (after normalisation) are merged into one recipient; later rows' values win.
 */
export function validateRecipients(
  rows: readonly { row: number; input: RecipientInput }[],
  rules: RecipientRules,
): RecipientsResult {
  const checked = checkRows(rows, rules);
  if (checked.problems.length > 0)
    return { ok: false, rows: checked.problems.map(({ e164: _e164, ...row }) => row) };

  return { ok: true, recipients: checked.recipients, duplicatesMerged: checked.duplicatesMerged };
}

/**
 * For an audience taken at launch, when nobody is there to fix a row: the usable recipients, and the rows
 * that cannot be sent with their reasons (and their number, when it could be read) so they can be recorded.
 */
export function partitionRecipients(
  rows: readonly { row: number; input: RecipientInput }[],
  rules: RecipientRules,
): { recipients: readonly Recipient[]; rejected: readonly (RowProblem & { e164?: string })[] } {
  const checked = checkRows(rows, rules);
  return { recipients: checked.recipients, rejected: checked.problems };
}

function checkRows(rows: readonly { row: number; input: RecipientInput }[], rules: RecipientRules) {
  const problems: (RowProblem & { e164?: string })[] = [];
  const merged = new Map<string, Record<string, string>>();
  let duplicates = 0;
  for (const { row, input } of rows) {
    const rowProblems: string[] = [];
    const phone = normalizePhone(input.phone, rules.defaultCountry);
    if (!phone.ok) rowProblems.push(phone.problem);
    const variables = input.variables ?? {};
    const earlier = phone.ok ? merged.get(phone.e164) : undefined;
    const combined = { ...earlier, ...dropBlank(variables) };
    const missing = rules.requiredVariables.filter(
      (name) => pickValue(name, combined, rules.templateDefaults ?? {}) === undefined,
    );
    if (missing.length > 0) rowProblems.push(`missing variables: ${missing.join(', ')}`);
    if (rowProblems.length > 0) {
      problems.push({
        row,
        phone: input.phone,
        problems: rowProblems,
        ...(missing.length > 0 ? { missingVariables: missing } : {}),
        ...(phone.ok ? { e164: phone.e164 } : {}),
      });
      continue;
    }
    if (phone.ok) {
      if (earlier) duplicates += 1;
      merged.set(phone.e164, combined);
    }
  }
  return {
    problems,
    recipients: [...merged].map(([phone, variables]) => ({ phone, variables })),
    duplicatesMerged: duplicates,
  };
}

function dropBlank(values: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
}
