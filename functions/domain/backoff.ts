/**
 * Delay before retrying a failed send, in seconds: Meta suggests 4^X seconds (X = 0, 1, 2, ...);
 * "equal jitter" (half the delay fixed, half random) spreads retries so failed sends do not come back in a
 * burst, while each still waits at least half its step.
 */
export function retryDelaySeconds(
  attempt: number,
  random: () => number = Math.random,
  maxSeconds = 900,
): number {
  const ceiling = Math.min(maxSeconds, 4 ** Math.max(0, attempt - 1));
  // At least one second so SQS does not hand the message straight back.
  return Math.max(1, Math.round(ceiling / 2 + random() * (ceiling / 2)));
}

/** WhatsApp's pair rate limit: one message every 6 seconds to the same user. */
export const PAIR_GAP_MS = 6_000;
