import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Every API error is `{"error":{"code","message","details"}}`. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export function sendError(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: unknown,
) {
  return c.json(errorBody(code, message, details), status);
}

/**
 * How many row or field problems one error answer lists. A 100,000-row upload with every row wrong would
 * otherwise answer with megabytes (over Lambda's 6 MB answer limit, so a gateway error instead of ours).
 */
export const LISTED_PROBLEMS = 100;

/**
 * The page of a long problem list that an answer shows: `?errorOffset=N` on the same request shows the
 * problems from the N-th on, so every one can be read without the answer ever growing.
 */
export function listedProblems<T>(all: readonly T[], offsetParam: string | undefined) {
  const offset = Math.min(Math.max(0, Number.parseInt(offsetParam ?? '0', 10) || 0), all.length);
  const shown = all.slice(offset, offset + LISTED_PROBLEMS);
  const next = offset + shown.length < all.length ? offset + shown.length : undefined;
  return {
    shown,
    total: all.length,
    offset,
    ...(next !== undefined ? { nextErrorOffset: next } : {}),
    note:
      next !== undefined
        ? `${all.length} problems in all, ${shown.length} listed from ${offset}; send the same request with ?errorOffset=${next} for the next ones`
        : undefined,
  };
}
