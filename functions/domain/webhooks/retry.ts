/**
 * What a delivery attempt's answer means and when the next attempt goes: pure rules, so the delivery
 * function only carries them out.
 *
 * - 2xx: delivered.
 * - 5xx, 429, 408, a timeout, a refused or dropped connection, a name that does not resolve: the receiver
 *   may be back soon, so the event is tried again with exponential backoff and jitter (429 and 503 wait
 *   at least what their Retry-After says), for as long as the failure window lasts (24 hours).
 * - Any other answer (a 4xx, a 3xx: redirects are not followed), or a target the address guard refuses:
 *   the receiver said no, and asking again would only say it again; the event is not retried.
 */

export type TargetAnswer =
  | {
      readonly kind: 'answered';
      readonly status: number;
      /** The Retry-After header as sent, if any. */
      readonly retryAfter?: string;
      readonly ms: number;
    }
  | {
      readonly kind: 'failed';
      /** `blocked`: the address guard refused the target; the others are the network's. */
      readonly reason: 'timeout' | 'network' | 'blocked';
      readonly message: string;
      readonly ms: number;
    };

export type Verdict =
  | { readonly outcome: 'delivered' }
  | { readonly outcome: 'retry'; readonly why: string; readonly notBeforeSeconds?: number }
  | { readonly outcome: 'rejected'; readonly why: string };

/** Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or undefined if unreadable. */
export function retryAfterSeconds(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text);
  // An HTTP date (IMF-fixdate, RFC 9110); Date.parse alone would read "1.5" or "-1" as years.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export function judge(answer: TargetAnswer, now: Date): Verdict {
  if (answer.kind === 'failed') {
    if (answer.reason === 'blocked') return { outcome: 'rejected', why: answer.message };
    return { outcome: 'retry', why: answer.message };
  }
  const s = answer.status;
  if (s >= 200 && s < 300) return { outcome: 'delivered' };
  if (s === 429 || s === 503) {
    const wait = retryAfterSeconds(answer.retryAfter, now);
    return { outcome: 'retry', why: `HTTP ${s}`, ...(wait !== undefined ? { notBeforeSeconds: wait } : {}) };
  }
  if (s >= 500 || s === 408) return { outcome: 'retry', why: `HTTP ${s}` };
  if (s >= 300 && s < 400) return { outcome: 'rejected', why: `HTTP ${s}: redirects are not followed` };
  return { outcome: 'rejected', why: `HTTP ${s}` };
}

export interface RetryPolicy {
  /** The first retry's ceiling; each later one doubles it. */
  readonly baseSeconds: number;
  /** No wait between two attempts is longer (Retry-After excepted). */
  readonly maxDelaySeconds: number;
  /** How long an event is retried after its first attempt, and how long a failing subscription lasts. */
  readonly windowSeconds: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseSeconds: 5,
  maxDelaySeconds: 3600,
  windowSeconds: 86_400,
};

/**
 * The wait after the `attempt`-th attempt failed: "equal jitter" (half fixed, half random), so retries
 * of many events that failed together spread out instead of arriving as one burst, while each still
 * waits at least half its step. 5 s, 10 s, 20 s ... up to an hour: about 30 attempts in 24 hours.
 */
export function backoffSeconds(attempt: number, policy: RetryPolicy, random: () => number = Math.random) {
  const ceiling = Math.min(policy.maxDelaySeconds, policy.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(ceiling / 2 + random() * (ceiling / 2)));
}

export type NextStep =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry'; readonly at: Date }
  | { readonly kind: 'give_up'; readonly why: string };

/** After an attempt: nothing more, another attempt at `at`, or the end (refused, or out of time). */
export function nextStep(
  verdict: Verdict,
  attempt: number,
  firstAttemptAt: Date,
  now: Date,
  policy: RetryPolicy,
  random: () => number = Math.random,
): NextStep {
  if (verdict.outcome === 'delivered') return { kind: 'done' };
  if (verdict.outcome === 'rejected') return { kind: 'give_up', why: `not retried: ${verdict.why}` };
  const wait = Math.max(backoffSeconds(attempt, policy, random), verdict.notBeforeSeconds ?? 0);
  const at = new Date(now.getTime() + wait * 1000);
  if (at.getTime() > firstAttemptAt.getTime() + policy.windowSeconds * 1000) {
    return {
      kind: 'give_up',
      why: `still failing ${formatDuration(policy.windowSeconds)} after the first attempt`,
    };
  }
  return { kind: 'retry', at };
}

/**
 * A subscription that has failed without a single success since `failingSince` for the whole window is
 * disabled: its receiver is gone, and retrying every event for a day more helps nobody.
 */
export function failedTooLong(failingSince: string | undefined, now: Date, policy: RetryPolicy): boolean {
  if (!failingSince) return false;
  return now.getTime() - Date.parse(failingSince) >= policy.windowSeconds * 1000;
}

/**
 * SQS delays a message by at most 15 minutes, so a longer wait is made of hops: the message comes back
 * after at most 900 s, finds its time not yet come, and goes back with the rest of the wait.
 */
export const MAX_QUEUE_DELAY_SECONDS = 900;

export function hopDelaySeconds(notBefore: Date, now: Date): number {
  const left = Math.ceil((notBefore.getTime() - now.getTime()) / 1000);
  return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(0, left));
}

export function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
