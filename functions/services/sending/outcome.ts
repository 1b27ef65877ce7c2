import { PAIR_GAP_MS, retryDelaySeconds } from '../../domain/backoff';
import { type SendFailure, UNCERTAIN_RETRY_SECONDS } from '../../domain/whatsapp-errors';

/** What a send job asks of its queue message: nothing more, or another look after a delay. */
export type Outcome = { readonly retryAfterSeconds?: number };
export const DONE: Outcome = {};

/**
 * WhatsApp answered and refused the message, so it reached nobody (not a timeout, which may have been
 * accepted, and not the pair-rate limit, which says the customer was just messaged).
 */
export function reachedNobody(failure: SendFailure): boolean {
  return !failure.uncertain && failure.code !== 131056;
}

/** The delay before a failed attempt is retried. */
export function retryAfter(failure: SendFailure, attempts: number): number {
  const delay = retryDelaySeconds(attempts);
  // A timed-out request may have been accepted: give its `sent` webhook time to arrive and settle it.
  if (failure.uncertain) return Math.max(delay, UNCERTAIN_RETRY_SECONDS);
  // Pair rate limit: the same user may get one message per 6 seconds.
  return failure.code === 131056 ? Math.max(delay, PAIR_GAP_MS / 1000) : delay;
}
