/**
 * The campaign counters under every interleaving the pipeline allows: send results and webhook statuses
 * (duplicated, reordered, arriving before the send is recorded) each write their recipient and then, a
 * moment later, a counter shard; readers read the shards one at a time while writes land in between; a
 * process may die between its two writes; completion's reconcile runs at any point with writes landing
 * while it reads. The properties: every read adds up to the total with no counter negative or above it;
 * once every write has landed the counters equal a recount; and a reconcile corrects exactly what was
 * lost, never a write that was on its way.
 */
import fc from 'fast-check';
import {
  type Counts,
  canMove,
  emptyCounts,
  presentCounts,
  RECIPIENT_STATUSES,
  type RecipientStatus,
  type StatusUpdate,
} from '../../functions/domain/recipient-status';
import type { CampaignCounters, RecipientHistogram, RecipientStore } from '../../functions/ports';
import { QUIET_MS, reconcileCounts } from '../../functions/services/counters';

type Delta = Partial<Record<RecipientStatus | 'waiting', number>>;
const SHARDS = 4;

/** A small deterministic generator, so a failing run is replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface World {
  readonly total: number;
  readonly status: RecipientStatus[];
  readonly updatedAt: number[];
  readonly shards: Counts[];
  /** Counter writes on their way: the second half of a transition, to land by `deadline` or be lost. */
  readonly pending: { delta: Delta; deadline: number }[];
  /** What died with its process: the counter halves that will never land. */
  readonly lost: Delta[];
  readonly corrections: Delta[];
  now: number;
}

function add(into: Counts, delta: Delta) {
  for (const [k, v] of Object.entries(delta)) if (k !== 'waiting') into[k as RecipientStatus] += v ?? 0;
}

function sum(deltas: readonly Delta[]): Record<RecipientStatus, number> {
  const out = Object.fromEntries(RECIPIENT_STATUSES.map((s) => [s, 0])) as Record<RecipientStatus, number>;
  for (const d of deltas) for (const s of RECIPIENT_STATUSES) out[s] += d[s] ?? 0;
  return out;
}

function rawCounts(w: World, order: readonly number[] = [0, 1, 2, 3]): Counts {
  const c = emptyCounts();
  c.total = w.total;
  for (const i of order) for (const s of RECIPIENT_STATUSES) c[s] += w.shards[i]![s];
  return c;
}

function histogram(w: World): RecipientHistogram {
  const h: RecipientHistogram = { ...emptyCounts(), waiting: 0, total: w.total };
  for (const s of w.status) h[s] += 1;
  h.lastUpdatedAt = new Date(Math.max(...w.updatedAt)).toISOString();
  return h;
}

function run(seed: number, recipients: number, crashShare: number) {
  const random = prng(seed);
  const w: World = {
    total: recipients,
    status: Array.from({ length: recipients }, () => 'queued' as RecipientStatus),
    updatedAt: Array.from({ length: recipients }, () => 0),
    shards: Array.from({ length: SHARDS }, (_, i) => ({
      ...emptyCounts(),
      queued: i === 0 ? recipients : 0,
    })),
    pending: [],
    lost: [],
    corrections: [],
    now: 0,
  };

  // What happens to each recipient: the worker's result, and (when sent) Meta's statuses, each 1-3 times.
  type Step = { r: number } & ({ kind: 'result'; to: 'sent' | 'failed' | 'skipped' } | StatusStep);
  type StatusStep = { kind: 'status'; to: StatusUpdate['status'] };
  const steps: Step[] = [];
  for (let r = 0; r < recipients; r++) {
    const to = random() < 0.7 ? 'sent' : random() < 0.5 ? 'failed' : 'skipped';
    steps.push({ r, kind: 'result', to });
    if (to !== 'sent') continue;
    const statuses: StatusUpdate['status'][] =
      random() < 0.1
        ? ['sent', 'failed']
        : (['sent', 'delivered', 'read'] as const).slice(0, 1 + Math.floor(random() * 3));
    for (const s of statuses)
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--)
        steps.push({ r, kind: 'status', to: s as StatusStep['to'] });
  }
  for (let i = steps.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [steps[i], steps[j]] = [steps[j]!, steps[i]!];
  }

  /** The first half of a transition: the conditional recipient write; the counter half goes on its way. */
  const transition = (step: Step) => {
    const from = w.status[step.r]!;
    const moves = step.kind === 'result' ? from === 'queued' : canMove(from, step.to);
    if (!moves) return;
    w.status[step.r] = step.to;
    w.updatedAt[step.r] = w.now;
    const delta: Delta = { [from]: -1, [step.to]: 1 };
    if (random() < crashShare) w.lost.push(delta);
    else w.pending.push({ delta, deadline: w.now + QUIET_MS - 1 });
  };
  const land = (i: number) => {
    const [p] = w.pending.splice(i, 1);
    add(w.shards[Math.floor(random() * SHARDS)]!, p!.delta);
  };
  /** Time moves on; a counter write whose process is alive lands before its deadline. */
  const tick = () => {
    w.now += Math.floor(random() * 3_000);
    for (let i = w.pending.length - 1; i >= 0; i--) if (w.pending[i]!.deadline <= w.now) land(i);
  };
  /** Something else happens: the next webhook or result, a counter landing, or time passing. */
  const other = () => {
    const roll = random();
    if (roll < 0.45 && steps.length > 0) transition(steps.shift()!);
    else if (roll < 0.85 && w.pending.length > 0) land(Math.floor(random() * w.pending.length));
    else tick();
  };

  /** A reader: the shards one at a time, with anything landing in between. */
  const read = () => {
    const seen = emptyCounts();
    seen.total = w.total;
    for (const i of [0, 1, 2, 3].sort(() => random() - 0.5)) {
      for (const s of RECIPIENT_STATUSES) seen[s] += w.shards[i]![s];
      if (random() < 0.5) other();
    }
    return presentCounts(seen, 0).counts;
  };

  // The reconcile's stores: the same world, with other work interleaved between its reads.
  const campaigns = {
    async tally() {
      if (random() < 0.5) other();
      return { counts: rawCounts(w), waiting: 0 };
    },
    async addCounts(_id: string, delta: Delta) {
      w.corrections.push(delta);
      add(w.shards[0]!, delta);
    },
    async noteRecount() {},
  } as unknown as CampaignCounters;
  const store = {
    async histogram() {
      if (random() < 0.5) other();
      return histogram(w);
    },
  } as unknown as RecipientStore;
  const reconcile = () =>
    reconcileCounts({ campaigns, recipients: store, clock: { now: () => new Date(w.now) } }, 'c', 1);

  return { w, steps, read, other, reconcile, random };
}

function expectSound(counts: Counts, total: number) {
  const shown = RECIPIENT_STATUSES.map((s) => counts[s]);
  expect(shown.reduce((a, b) => a + b, 0)).toBe(total);
  for (const n of shown) {
    expect(n).toBeGreaterThanOrEqual(0);
    expect(n).toBeLessThanOrEqual(total);
  }
}

describe('campaign counters under random interleavings', () => {
  it('add up at every read, and equal a recount once every write has landed', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 25 }), (seed, recipients) => {
        const m = run(seed, recipients, 0);
        while (m.steps.length > 0 || m.w.pending.length > 0) {
          if (m.random() < 0.3) expectSound(m.read(), recipients);
          else m.other();
        }
        const final = rawCounts(m.w);
        const recount = histogram(m.w);
        for (const s of RECIPIENT_STATUSES) expect(final[s]).toBe(recount[s]);
        expect(presentCounts(final, 0).counts).toEqual(final);
      }),
      { numRuns: 200 },
    );
  });

  it('are corrected by exactly what crashed processes lost, never by a write on its way', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 25 }), async (seed, recipients) => {
        const m = run(seed, recipients, 0.15);
        while (m.steps.length > 0 || m.w.pending.length > 0) {
          if (m.random() < 0.15) await m.reconcile();
          else if (m.random() < 0.3) expectSound(m.read(), recipients);
          else m.other();
        }
        // Everything alive has landed; a quiet minute later the last reconcile settles what is left.
        m.w.now += QUIET_MS;
        await m.reconcile();
        const final = rawCounts(m.w);
        const recount = histogram(m.w);
        for (const s of RECIPIENT_STATUSES) expect(final[s]).toBe(recount[s]);
        // No correction was undone by a later one: together they are exactly the lost moves.
        expect(sum(m.w.corrections)).toEqual(sum(m.w.lost));
        const size = (d: Record<RecipientStatus, number>) =>
          Object.values(d).reduce((a, b) => a + Math.abs(b), 0);
        expect(m.w.corrections.reduce((n, c) => n + size(sum([c])), 0)).toBeLessThanOrEqual(
          m.w.lost.reduce((n, c) => n + size(sum([c])), 0),
        );
      }),
      { numRuns: 200 },
    );
  });
});
