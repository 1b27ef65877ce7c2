import type { components } from '../../../clients/typescript';

type Point = components['schemas']['TimelinePoint'];
const SERIES = ['sent', 'delivered', 'read', 'failed'] as const;

export interface ChartLine {
  readonly series: (typeof SERIES)[number];
  /** Running totals, one per minute from the first to the last (minutes without events repeat the total). */
  readonly totals: readonly number[];
}

/**
 * Per-minute buckets as running totals over a continuous minute axis, so a quiet minute is a flat stretch
 * rather than a gap. Pure, for the component test.
 */
export function cumulativeLines(points: readonly Point[]): { minutes: string[]; lines: ChartLine[] } {
  if (points.length === 0) return { minutes: [], lines: [] };
  const sorted = [...points].sort((a, b) => a.minute.localeCompare(b.minute));
  const start = utcMinute(sorted[0]!.minute);
  const end = utcMinute(sorted[sorted.length - 1]!.minute);
  const byMinute = new Map(sorted.map((p) => [utcMinute(p.minute), p]));
  const minutes: string[] = [];
  const totals = Object.fromEntries(SERIES.map((s) => [s, [] as number[]])) as Record<
    (typeof SERIES)[number],
    number[]
  >;
  const running = { sent: 0, delivered: 0, read: 0, failed: 0 };
  for (let t = start; t <= end && minutes.length < 24 * 60; t += 60_000) {
    const p = byMinute.get(t);
    for (const s of SERIES) {
      running[s] += p?.[s] ?? 0;
      totals[s].push(running[s]);
    }
    minutes.push(new Date(t).toISOString());
  }
  return { minutes, lines: SERIES.map((series) => ({ series, totals: totals[series] })) };
}

/** The API's minutes are UTC without a zone (YYYY-MM-DDTHH:MM), which Date.parse would read as local. */
function utcMinute(minute: string): number {
  return Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(minute) ? minute : `${minute}:00Z`);
}

const W = 600;
const H = 200;
const PAD = 30;
const COLORS = {
  sent: 'var(--sent)',
  delivered: 'var(--delivered)',
  read: 'var(--read)',
  failed: 'var(--failed)',
};

/** Sends, deliveries, reads and failures over time, as lines of running totals. */
export function TimelineChart({ points }: { points: readonly Point[] }) {
  const { minutes, lines } = cumulativeLines(points);
  if (minutes.length === 0)
    return <p class="muted">Nothing sent yet: the chart starts with the first send.</p>;
  const max = Math.max(1, ...lines.flatMap((l) => l.totals));
  const x = (i: number) =>
    PAD + (minutes.length === 1 ? (W - 2 * PAD) / 2 : (i / (minutes.length - 1)) * (W - 2 * PAD));
  const y = (v: number) => H - PAD + 10 - (v / max) * (H - 2 * PAD);
  const summary = lines.map((l) => `${l.totals[l.totals.length - 1]} ${l.series}`).join(', ');
  const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <figure>
      <svg
        class="chart"
        viewBox={`0 0 ${W} ${H + 10}`}
        role="img"
        aria-label={`Over ${minutes.length} minutes: ${summary}`}
      >
        <line x1={PAD} y1={y(0)} x2={W - PAD} y2={y(0)} stroke="#8c959f" />
        <text x={4} y={y(max) + 4}>
          {max}
        </text>
        <text x={4} y={y(0) + 4}>
          0
        </text>
        <text x={PAD} y={H + 6}>
          {time(minutes[0]!)}
        </text>
        <text x={W - PAD - 34} y={H + 6}>
          {time(minutes[minutes.length - 1]!)}
        </text>
        {lines.map((l) => (
          <polyline
            key={l.series}
            fill="none"
            stroke={COLORS[l.series]}
            stroke-width="2.5"
            points={
              // One minute so far: a line from nothing to its total, so a first minute is visible too.
              minutes.length === 1
                ? `${PAD},${y(0)} ${W - PAD},${y(l.totals[0] ?? 0).toFixed(1)}`
                : l.totals.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
            }
          />
        ))}
      </svg>
      <figcaption class="legend">
        {lines.map((l) => (
          <span key={l.series}>
            <i class={`k-${l.series}`} />
            {l.series} {l.totals[l.totals.length - 1]}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
