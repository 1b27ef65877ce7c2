/**
 * Turns the API's error answers (`{"error":{"code","message","details"}}`) into what a screen shows:
 * the message in words, a message per field (shown next to that field) and, for CSV uploads, the bad rows
 * with their line numbers. Pure, so component tests need no server.
 */
export interface RowProblem {
  readonly row: number;
  readonly phone: string;
  readonly problems: readonly string[];
  readonly missingVariables?: readonly string[];
}

export interface Problem {
  readonly code: string;
  readonly message: string;
  readonly status: number;
  /** Field path (as the API names it, e.g. `recipients.3.phone` or `body`) -> what is wrong with it. */
  readonly fields: Readonly<Record<string, string>>;
  readonly rows: readonly RowProblem[];
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

export function problemOf(status: number, body: unknown): Problem {
  const error = (body as ErrorBody | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  const message =
    typeof error?.message === 'string' && error.message
      ? error.message
      : status >= 500
        ? 'The server failed to answer; try again in a moment.'
        : status === 413
          ? // Refused before the platform saw it (in AWS, API Gateway passes at most about 4 MB of a file).
            'The request is too large for the server to take (in AWS, files over about 4 MB); send a smaller file or a link.'
          : `The request was refused (HTTP ${status}).`;
  const fields: Record<string, string> = {};
  let rows: RowProblem[] = [];
  const details = error?.details;
  const addField = (field: unknown, text: unknown) => {
    if (typeof field === 'string' && typeof text === 'string' && !(field in fields)) fields[field] = text;
  };
  if (Array.isArray(details)) {
    for (const d of details) addField((d as { field?: unknown }).field, (d as { message?: unknown }).message);
  } else if (details && typeof details === 'object') {
    const d = details as { field?: unknown; rows?: unknown; missing?: unknown };
    if (typeof d.field === 'string') addField(d.field, message);
    if (Array.isArray(d.rows)) rows = d.rows.filter(isRowProblem);
  }
  return { code, message, status, fields, rows };
}

function isRowProblem(r: unknown): r is RowProblem {
  const row = r as RowProblem;
  return typeof row?.row === 'number' && Array.isArray(row.problems);
}

/** The message for a field or any of its parts (`recipients` matches `recipients.0.phone`). */
export function fieldProblem(problem: Problem | undefined, field: string): string | undefined {
  if (!problem) return undefined;
  if (problem.fields[field]) return problem.fields[field];
  const nested = Object.keys(problem.fields).find((f) => f.startsWith(`${field}.`));
  return nested ? `${nested.slice(field.length + 1)}: ${problem.fields[nested]}` : undefined;
}

/** A row problem in one line: "line 3 (+4915...): phone: not a valid number". */
export function describeRow(row: RowProblem): string {
  const what = [...row.problems];
  if (row.missingVariables?.length) what.push(`missing ${row.missingVariables.join(', ')}`);
  return `line ${row.row}${row.phone ? ` (${row.phone})` : ''}: ${what.join('; ')}`;
}
