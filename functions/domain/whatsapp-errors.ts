/**
 * What to do about a failed send, by Meta error code (reference section 6).
 * Codes not listed are treated as permanent: retrying an unknown error blindly risks spam flags.
 */

export type FailureAction = 'retry' | 'fail' | 'pause';

export interface SendFailure {
  /** Meta's error code, or null when no Meta error body came back (network failure, timeout, bare 5xx). */
  readonly code: number | null;
  readonly title: string;
  readonly message: string;
  readonly details?: string;
  readonly httpStatus?: number;
  readonly fbtraceId?: string;
  readonly action: FailureAction;
  /** The request may have reached WhatsApp (a timeout): its status webhook may still say it was sent. */
  readonly uncertain?: boolean;
}

/** How long a retry after an uncertain failure waits, so the `sent` webhook can settle it first. */
export const UNCERTAIN_RETRY_SECONDS = 30;

const RETRYABLE = new Set([130429, 131056, 131000, 131016, 133004, 1, 2, 4, 80007, 131057]);
/**
 * Errors that will fail every recipient alike: stop the campaign and tell a person. 132015 and 132016 (the
 * template was paused or disabled) are among them: a template webhook missed or late still pauses it.
 */
const PAUSES_SENDING = new Set([0, 190, 368, 131031, 131042, 132015, 132016]);

export function actionForCode(code: number | null, httpStatus?: number): FailureAction {
  if (code === null)
    return httpStatus !== undefined && httpStatus < 500 && httpStatus !== 429 ? 'fail' : 'retry';
  if (PAUSES_SENDING.has(code)) return 'pause';
  if (RETRYABLE.has(code)) return 'retry';
  return 'fail';
}
