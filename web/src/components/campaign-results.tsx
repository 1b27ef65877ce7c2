/**
 * What a campaign achieved, from GET /api/campaigns/{id}/analytics: the funnel with its rates, replies,
 * opt-outs, how fast messages arrived, button taps, Meta's billing categories, and the failures by error
 * code with what to do. The figures are counters, so they are exact for any size of campaign.
 */
import type { components } from '../../../clients/typescript';

export type Analytics = components['schemas']['CampaignAnalytics'];
type Latency = components['schemas']['LatencyPercentiles'];

/** "42%" of a whole, or "–" when there is nothing to take a share of. */
export function share(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)}%` : '–';
}

/** A bucket bound in words: 5 s, 2 min, 1 h, 1 day. */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} day${seconds >= 2 * 86_400 ? 's' : ''}`;
}

/** "half within 5 s, 90% within 30 s" (or why there is no figure yet). */
export function latencyText(l: Latency): string {
  if (l.count === 0) return 'not measured yet';
  const within = (s: number | null) => (s === null ? 'over a day' : `within ${duration(s)}`);
  return `half ${within(l.p50Seconds)}, 90% ${within(l.p90Seconds)}, 99% ${within(l.p99Seconds)} (${l.count} measured)`;
}

const SKIP_WORDS: Record<string, string> = {
  opted_out: 'had opted out',
  cancelled: 'not sent: cancelled',
  us_marketing_paused: 'US numbers (Meta does not deliver marketing there)',
};

export function CampaignResults({ figures: f, series }: { figures: Analytics; series?: boolean }) {
  const skipped = Object.entries(f.skipped);
  const funnel: [string, number, string][] = [
    ['targeted', f.targeted, ''],
    ['sent', f.sent, share(f.sent, f.targeted)],
    ['delivered', f.delivered, share(f.delivered, f.sent)],
    ['read', f.read, share(f.read, f.delivered)],
    ['replied (24 h)', f.replied.within24h, share(f.replied.within24h, f.delivered)],
    ['replied (72 h)', f.replied.within72h, share(f.replied.within72h, f.delivered)],
    ['opted out (7 days)', f.optedOutWithin7d, share(f.optedOutWithin7d, f.delivered)],
  ];
  return (
    <>
      <h2>Results</h2>
      {series ? <p class="muted">Of the latest run.</p> : null}
      <div class="counts" data-testid="funnel">
        {funnel.map(([label, n, rate]) => (
          <div key={label}>
            <b data-figure={label}>{n}</b>
            {label}
            {rate ? <span class="muted"> · {rate}</span> : null}
          </div>
        ))}
      </div>
      <p class="muted">
        Rates: sent of targeted, delivered of sent, read of delivered, replies and opt-outs of delivered. A
        reply is any message or button tap (not STOP).
        {skipped.length > 0
          ? ` Skipped: ${skipped.map(([why, n]) => `${n} ${SKIP_WORDS[why] ?? why}`).join(', ')}.`
          : ''}
      </p>
      <dl class="facts">
        <dt>Time to delivered</dt>
        <dd data-testid="time-to-delivered">{latencyText(f.timeToDelivered)}</dd>
        <dt>Time to read</dt>
        <dd data-testid="time-to-read">{latencyText(f.timeToRead)}</dd>
        {f.heldBackByMeta > 0 ? (
          <>
            <dt>Held back by Meta</dt>
            <dd data-testid="held-back">
              {f.heldBackByMeta} by the per-user marketing limit (131049), sent once more a day later
            </dd>
          </>
        ) : null}
        {f.pricing.length > 0 ? (
          <>
            <dt>Meta's pricing</dt>
            <dd data-testid="pricing">
              {f.pricing.map((p) => `${p.messages} ${p.category}`).join(', ')} · {f.billable} billable
            </dd>
          </>
        ) : null}
      </dl>
      {f.buttons.length > 0 ? (
        <div class="table-wrap">
          <table data-testid="buttons">
            <thead>
              <tr>
                <th>Button</th>
                <th class="num">Tapped by</th>
                <th class="num">Of delivered</th>
              </tr>
            </thead>
            <tbody>
              {f.buttons.map((b) => (
                <tr key={b.button}>
                  <td>{b.button}</td>
                  <td class="num">{b.taps}</td>
                  <td class="num">{share(b.taps, f.delivered)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {f.failures.length > 0 ? (
        <>
          <h2>Why sends failed</h2>
          <div class="table-wrap">
            <table data-testid="failures">
              <thead>
                <tr>
                  <th>Code</th>
                  <th>Meta says</th>
                  <th class="num">Recipients</th>
                  <th>What to do</th>
                </tr>
              </thead>
              <tbody>
                {f.failures.map((g) => (
                  <tr key={g.code}>
                    <td>{g.code === 'none' ? '—' : g.code}</td>
                    <td>{g.title}</td>
                    <td class="num">{g.count}</td>
                    <td>{g.advice}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </>
  );
}
