/**
 * Campaign and account analytics as counters. Every figure is a number added where the thing happens
 * (a recipient fails, a status arrives, a customer replies), in the same write as the campaign's status
 * counters, so reading a campaign's figures is a sum over its counter shards and never a scan of its
 * recipients. The names below are the attributes those counters are kept under; `recountFigures` computes
 * the same figures from the recipients, which is how tests (and operators) check the counters.
 */
import type { RecipientRecord } from './campaign';
import { adviceForError } from './error-advice';
import type { Counts, RecipientStatus, Stamps } from './recipient-status';

/** Counter increments by name (a name below); negative to take one back (a retried failure). */
export type StatsDelta = Record<string, number>;

/** Every analytics counter starts with this, apart from the status counters it shares an item with. */
export const STAT_PREFIX = 'a.';

export const STAT = {
  /** A recipient WhatsApp accepted that failed afterwards (still counts as sent in the funnel). */
  sentThenFailed: 'a.sentThenFailed',
  /** Recipients reaching a stage (the account's per-day funnel; a campaign's comes from its counts). */
  reached: (stage: 'sent' | 'delivered' | 'read') => `a.reach.${stage}`,
  targeted: 'a.targeted',
  /** Held back by Meta's per-user marketing limit (131049) and sent again a day later. */
  heldBack: 'a.heldBack',
  failed: (code: number | string | null | undefined) => `a.fail.${code ?? 'none'}`,
  skipped: (reason: string) => `a.skip.${reason}`,
  repliedWithin24h: 'a.reply24',
  repliedWithin72h: 'a.reply72',
  optedOutWithin7d: 'a.optout7d',
  button: (label: string) => `a.btn.${buttonLabel(label)}`,
  pricing: (category: string) => `a.price.${category}`,
  billable: 'a.billable',
  latency: (kind: LatencyKind, bucket: number) => `a.${kind === 'delivered' ? 'dlv' : 'rd'}.${bucket}`,
} as const;

/** Counters only the account's days keep: a campaign's funnel comes from its status counts. */
export function isAccountOnly(name: string): boolean {
  return name === STAT.targeted || name.startsWith('a.reach.');
}

/** Where Meta's title for a failure code is kept next to its count (the last one seen wins). */
export const failureTitleName = (code: number | string | null | undefined) => `t.${code ?? 'none'}`;

export type LatencyKind = 'delivered' | 'read';

/**
 * Upper bounds (seconds) of the latency buckets; the last bucket holds everything slower. A percentile
 * is reported as the bound of the bucket it falls in ("90% were delivered within 30 s"), which is as
 * exact as a fixed histogram allows and costs one counter per bucket.
 */
export const LATENCY_BOUNDS_SECONDS = [5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400] as const;

export function latencyBucket(seconds: number): number {
  const i = LATENCY_BOUNDS_SECONDS.findIndex((bound) => seconds <= bound);
  return i === -1 ? LATENCY_BOUNDS_SECONDS.length : i;
}

/** Quick-reply titles are at most 25 characters; longer text is cut so one tap cannot make a huge name. */
export function buttonLabel(label: string): string {
  return label.trim().slice(0, 60) || '(empty)';
}

export const REPLY_WINDOWS_HOURS = { short: 24, long: 72 } as const;
export const OPT_OUT_WINDOW_DAYS = 7;

const HOUR_MS = 3_600_000;

/**
 * The counters a recipient's move changes: its failure (by code) or skip (by reason), a failure after
 * WhatsApp had accepted the message, and the stages it reached. A retry (failed -> queued) takes its
 * failure back, so a campaign's failures are those that stand.
 */
export function statsOfMove(move: {
  from: RecipientStatus;
  to: RecipientStatus;
  error?: { code: number | string | null } | undefined;
  skipReason?: string;
}): StatsDelta {
  const out: StatsDelta = {};
  const { from, to } = move;
  if (to === 'failed') {
    out[STAT.failed(move.error?.code)] = 1;
    if (from === 'sent') out[STAT.sentThenFailed] = 1;
  }
  if (from === 'failed' && to === 'queued') out[STAT.failed(move.error?.code)] = -1;
  if (to === 'skipped') out[STAT.skipped(move.skipReason ?? 'other')] = 1;
  if (from === 'queued' && (to === 'sent' || to === 'delivered' || to === 'read'))
    out[STAT.reached('sent')] = 1;
  if ((from === 'queued' || from === 'sent') && (to === 'delivered' || to === 'read'))
    out[STAT.reached('delivered')] = 1;
  if (to === 'read' && from !== 'read') out[STAT.reached('read')] = 1;
  return out;
}

/** The latency counters of a status that first tells when a recipient was delivered or read. */
export function latencyStats(sentAt: string | undefined, delivered?: string, read?: string): StatsDelta {
  const out: StatsDelta = {};
  const from = sentAt ? Date.parse(sentAt) : Number.NaN;
  if (Number.isNaN(from)) return out;
  for (const [kind, at] of [
    ['delivered', delivered],
    ['read', read],
  ] as const) {
    if (!at) continue;
    const seconds = Math.max(0, (Date.parse(at) - from) / 1000);
    if (!Number.isNaN(seconds)) out[STAT.latency(kind, latencyBucket(seconds))] = 1;
  }
  return out;
}

/**
 * The latencies a write made measurable: a delivery (or read) time is counted once both it and the send
 * time are known, by whichever write completed the pair, so statuses arriving in any order count once.
 */
export function newLatencyStats(before: Stamps, after: Stamps): StatsDelta {
  const out: StatsDelta = {};
  if (after.sentAt && after.deliveredAt && !(before.sentAt && before.deliveredAt))
    addStats(out, latencyStats(after.sentAt, after.deliveredAt));
  if (after.sentAt && after.readAt && !(before.sentAt && before.readAt))
    addStats(out, latencyStats(after.sentAt, undefined, after.readAt));
  return out;
}

/**
 * Hours from a send to a response. WhatsApp stamps in whole seconds and our send time has milliseconds,
 * so a reply up to a minute "before" the send is a clock difference, taken as zero; earlier is not a reply.
 */
function hoursAfter(sentAt: string, at: string): number | undefined {
  const ms = Date.parse(at) - Date.parse(sentAt);
  if (Number.isNaN(ms) || ms < -60_000) return undefined;
  return Math.max(0, ms) / HOUR_MS;
}

/**
 * A `sent` that arrives after the recipient failed (the failure overtook it): WhatsApp had accepted the
 * message after all, so the funnel counts it as sent, as a recount (failed with a send time) does.
 */
export function lateSendStats(stays: RecipientStatus | undefined, before: Stamps, after: Stamps): StatsDelta {
  return stays === 'failed' && !before.sentAt && after.sentAt
    ? { [STAT.sentThenFailed]: 1, [STAT.reached('sent')]: 1 }
    : {};
}

/** The counters of a customer's reply to a campaign message sent at `sentAt`. */
export function replyStats(sentAt: string, at: string): StatsDelta {
  const hours = hoursAfter(sentAt, at);
  if (hours === undefined || hours > REPLY_WINDOWS_HOURS.long) return {};
  return {
    [STAT.repliedWithin72h]: 1,
    ...(hours <= REPLY_WINDOWS_HOURS.short ? { [STAT.repliedWithin24h]: 1 } : {}),
  };
}

export function optOutStats(sentAt: string, at: string): StatsDelta {
  const hours = hoursAfter(sentAt, at);
  return hours !== undefined && hours <= OPT_OUT_WINDOW_DAYS * 24 ? { [STAT.optedOutWithin7d]: 1 } : {};
}

/** How far back a response is attributed to the campaigns that messaged the customer. */
export function responseWindowMs(kind: 'reply' | 'opt_out'): number {
  return kind === 'reply' ? REPLY_WINDOWS_HOURS.long * HOUR_MS : OPT_OUT_WINDOW_DAYS * 24 * HOUR_MS;
}

export function pricingStats(pricing: { category: string; billable?: boolean }): StatsDelta {
  return { [STAT.pricing(pricing.category)]: 1, ...(pricing.billable ? { [STAT.billable]: 1 } : {}) };
}

export function addStats(into: StatsDelta, more: StatsDelta | undefined): StatsDelta {
  for (const [k, v] of Object.entries(more ?? {})) into[k] = (into[k] ?? 0) + v;
  return into;
}

/** Plain data, as the API answers it (kept mutable so it is the response type too). */
export interface Percentiles {
  count: number;
  /** Upper bounds in seconds (null: slower than the last bound, or nothing measured). */
  p50Seconds: number | null;
  p90Seconds: number | null;
  p99Seconds: number | null;
  /** How many fell in each bucket, by its upper bound (null for the last, open one). */
  buckets: { withinSeconds: number | null; count: number }[];
}

export interface FailureGroup {
  code: string;
  title: string;
  advice: string;
  count: number;
}

/** What a campaign (or a day of the account) achieved. */
export interface Figures {
  targeted: number;
  skipped: Readonly<Record<string, number>>;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  replied: { within24h: number; within72h: number };
  optedOutWithin7d: number;
  /** Held back by Meta's per-user marketing limit (131049) and sent again a day later; not failures. */
  heldBackByMeta: number;
  buttons: { button: string; taps: number }[];
  failures: FailureGroup[];
  timeToDelivered: Percentiles;
  timeToRead: Percentiles;
  pricing: { category: string; messages: number }[];
  billable: number;
}

/** Reads percentiles off the latency buckets. */
export function percentiles(counts: readonly number[]): Percentiles {
  const total = counts.reduce((a, b) => a + b, 0);
  const at = (q: number): number | null => {
    if (total === 0) return null;
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i] ?? 0;
      if (seen >= rank) return LATENCY_BOUNDS_SECONDS[i] ?? null;
    }
    return null;
  };
  return {
    count: total,
    p50Seconds: at(0.5),
    p90Seconds: at(0.9),
    p99Seconds: at(0.99),
    buckets: counts.map((count, i) => ({ withinSeconds: LATENCY_BOUNDS_SECONDS[i] ?? null, count })),
  };
}

function prefixed(stats: StatsDelta, prefix: string): [string, number][] {
  return Object.entries(stats)
    .filter(([k, v]) => k.startsWith(prefix) && v !== 0)
    .map(([k, v]) => [k.slice(prefix.length), v] as [string, number]);
}

function latencyCounts(stats: StatsDelta, kind: 'dlv' | 'rd'): number[] {
  return Array.from({ length: LATENCY_BOUNDS_SECONDS.length + 1 }, (_, i) => stats[`a.${kind}.${i}`] ?? 0);
}

const byCountThenName = <T extends { name: string; n: number }>(a: T, b: T) =>
  b.n - a.n || a.name.localeCompare(b.name);

/**
 * The figures from summed counters. A campaign passes its status counts, which are kept exact (and
 * corrected on completion), so its funnel follows them: sent is everyone WhatsApp accepted, including
 * those that failed later. The account's days have no status counts and use the stages reached.
 */
export function figuresOf(
  stats: StatsDelta,
  titles: Readonly<Record<string, string>>,
  counts?: Counts,
): Figures {
  const failures = prefixed(stats, 'a.fail.')
    .filter(([, n]) => n > 0)
    .map(([code, n]) => ({ name: code, n }))
    .sort(byCountThenName)
    .map(({ name: code, n }) => ({
      code,
      title: titles[code] ?? (code === 'none' ? 'No answer from WhatsApp' : `Error ${code}`),
      advice: adviceForError(code === 'none' ? null : code),
      count: n,
    }));
  const skipped = Object.fromEntries(prefixed(stats, 'a.skip.').filter(([, n]) => n > 0));
  const funnel = counts
    ? {
        targeted: counts.total,
        sent: counts.sent + counts.delivered + counts.read + (stats[STAT.sentThenFailed] ?? 0),
        delivered: counts.delivered + counts.read,
        read: counts.read,
        failed: counts.failed,
      }
    : {
        targeted: stats[STAT.targeted] ?? 0,
        sent: stats[STAT.reached('sent')] ?? 0,
        delivered: stats[STAT.reached('delivered')] ?? 0,
        read: stats[STAT.reached('read')] ?? 0,
        failed: failures.reduce((a, f) => a + f.count, 0),
      };
  return {
    ...funnel,
    skipped,
    replied: {
      within24h: stats[STAT.repliedWithin24h] ?? 0,
      within72h: stats[STAT.repliedWithin72h] ?? 0,
    },
    optedOutWithin7d: stats[STAT.optedOutWithin7d] ?? 0,
    heldBackByMeta: stats[STAT.heldBack] ?? 0,
    buttons: prefixed(stats, 'a.btn.')
      .map(([name, n]) => ({ name, n }))
      .sort(byCountThenName)
      .map(({ name, n }) => ({ button: name, taps: n })),
    failures,
    timeToDelivered: percentiles(latencyCounts(stats, 'dlv')),
    timeToRead: percentiles(latencyCounts(stats, 'rd')),
    pricing: prefixed(stats, 'a.price.')
      .map(([name, n]) => ({ name, n }))
      .sort(byCountThenName)
      .map(({ name, n }) => ({ category: name, messages: n })),
    billable: stats[STAT.billable] ?? 0,
  };
}

/** What the recipient items record that the figures are made from (see RecipientRecord). */
export type RecipientFacts = Pick<
  RecipientRecord,
  | 'status'
  | 'skipReason'
  | 'lastError'
  | 'sentAt'
  | 'deliveredAt'
  | 'readAt'
  | 'repliedAt'
  | 'optedOutAt'
  | 'buttonsTapped'
  | 'pricingCategory'
  | 'billable'
  | 'heldBackAt'
>;

/**
 * The counters recomputed from the recipients: what `figuresOf` must show once every update has landed.
 * A latency is counted whenever both its ends are known, whichever of the two statuses came last.
 */
export function recountStats(recipients: Iterable<RecipientFacts>): {
  stats: StatsDelta;
  titles: Record<string, string>;
  counts: Counts;
} {
  const stats: StatsDelta = {};
  const titles: Record<string, string> = {};
  const counts: Counts = { total: 0, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, skipped: 0 };
  const add = (delta: StatsDelta) => addStats(stats, delta);
  for (const r of recipients) {
    counts.total += 1;
    counts[r.status] += 1;
    if (r.status === 'failed') {
      add({ [STAT.failed(r.lastError?.code)]: 1 });
      if (r.lastError) titles[String(r.lastError.code ?? 'none')] = r.lastError.title;
      if (r.sentAt) add({ [STAT.sentThenFailed]: 1 });
    }
    if (r.status === 'skipped') add({ [STAT.skipped(r.skipReason ?? 'other')]: 1 });
    add(latencyStats(r.sentAt, r.deliveredAt, r.readAt));
    if (r.sentAt && r.repliedAt) add(replyStats(r.sentAt, r.repliedAt));
    if (r.sentAt && r.optedOutAt) add(optOutStats(r.sentAt, r.optedOutAt));
    for (const b of r.buttonsTapped ?? []) add({ [STAT.button(b)]: 1 });
    if (r.heldBackAt) add({ [STAT.heldBack]: 1 });
    if (r.pricingCategory) add(pricingStats({ category: r.pricingCategory, billable: r.billable ?? false }));
  }
  return { stats, titles, counts };
}

/** Sums counter items (shards) into one set of stats, taking only the analytics attributes. */
export function sumStats(items: Iterable<Record<string, unknown>>): {
  stats: StatsDelta;
  titles: Record<string, string>;
} {
  const stats: StatsDelta = {};
  const titles: Record<string, string> = {};
  for (const item of items) {
    for (const [k, v] of Object.entries(item)) {
      if (k.startsWith(STAT_PREFIX) && typeof v === 'number') stats[k] = (stats[k] ?? 0) + v;
      else if (k.startsWith('t.') && typeof v === 'string') titles[k.slice(2)] = v;
    }
  }
  return { stats, titles };
}

/** One day of one template, as the account keeps its analytics. */
export interface DayRow {
  readonly day: string;
  readonly templateId: string;
  readonly templateName?: string;
  readonly stats: StatsDelta;
  readonly titles: Readonly<Record<string, string>>;
}

/** The account's figures for a period: in all, per day and per template (busiest first). */
export function accountReport(rows: readonly DayRow[]): {
  total: Figures;
  days: (Figures & { day: string })[];
  templates: (Figures & { templateId: string; templateName: string })[];
} {
  const titles: Record<string, string> = {};
  const total: StatsDelta = {};
  const days = new Map<string, StatsDelta>();
  const templates = new Map<string, { name: string; stats: StatsDelta }>();
  for (const row of rows) {
    Object.assign(titles, row.titles);
    addStats(total, row.stats);
    days.set(row.day, addStats(days.get(row.day) ?? {}, row.stats));
    const t = templates.get(row.templateId) ?? { name: row.templateName ?? row.templateId, stats: {} };
    addStats(t.stats, row.stats);
    templates.set(row.templateId, t);
  }
  return {
    total: figuresOf(total, titles),
    days: [...days]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, stats]) => ({ day, ...figuresOf(stats, titles) })),
    templates: [...templates]
      .map(([templateId, t]) => ({ templateId, templateName: t.name, ...figuresOf(t.stats, titles) }))
      .sort((a, b) => b.targeted - a.targeted || a.templateId.localeCompare(b.templateId)),
  };
}
