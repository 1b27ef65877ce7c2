import { Pacer, type PacerTimers } from '../../functions/services/pacer';
import { SharedSlotPacer } from '../../functions/services/shared-slot-pacer';

/** A clock and timers that move only when told: `run(ms)` fires every timer due by then, in time order. */
function manualTime(start = 0) {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; run: () => void }>();
  const t: PacerTimers & { run(ms: number): Promise<void>; readonly now: () => number } = {
    now: () => now,
    setTimer: (run, ms) => {
      seq += 1;
      timers.set(seq, { at: now + ms, run });
      return seq;
    },
    clearTimer: (id) => {
      timers.delete(id as number);
    },
    async run(ms: number) {
      const until = now + ms;
      for (;;) {
        await settle();
        const next = [...timers.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > until) break;
        timers.delete(next[0]);
        now = Math.max(now, next[1].at);
        next[1].run();
      }
      now = until;
      await settle();
    },
  };
  return t;
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

/** Starts `n` acquires and records when (on the manual clock) each one is let through. */
function race(pacer: { acquire(): Promise<void> }, time: { now(): number }, n: number) {
  const at: number[] = [];
  for (let i = 0; i < n; i++) void pacer.acquire().then(() => at.push(time.now()));
  return at;
}

describe('Pacer (one process)', () => {
  it('spaces callers by the interval, in arrival order', async () => {
    const time = manualTime(1000);
    const pacer = new Pacer(100, time);
    const at = race(pacer, time, 3);
    await time.run(500);
    expect(at).toEqual([1000, 1100, 1200]);
  });

  it('does not let idle time accumulate into a burst', async () => {
    const time = manualTime(0);
    const pacer = new Pacer(100, time);
    race(pacer, time, 1);
    await time.run(10_000);
    const at = race(pacer, time, 2);
    await time.run(1000);
    expect(at).toEqual([10_000, 10_100]);
  });

  it('holds the rate for all its callers, however many wait', async () => {
    const time = manualTime(0);
    const pacer = Pacer.forRate(80);
    expect(pacer.interval).toBe(12.5);
    const shared = new Pacer(12.5, time);
    const at = race(shared, time, 200);
    await time.run(999);
    // 80 in the first second (the first at once), the others still waiting.
    expect(at).toHaveLength(80);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(12.5);
  });

  it('keeps the rate when its timers fire late (a busy event loop)', async () => {
    const time = manualTime(0);
    // Every timer fires 5 ms after it was due.
    const late: PacerTimers = { ...time, setTimer: (run, ms) => time.setTimer(run, ms + 5) };
    const pacer = new Pacer(12.5, late);
    const at = race(pacer, time, 200);
    await time.run(999);
    expect(at.length).toBeGreaterThanOrEqual(79);
    expect(at.length).toBeLessThanOrEqual(81);
  });

  it('gives the slot of a send that carried no message to the next waiting caller at once', async () => {
    const time = manualTime(0);
    const pacer = new Pacer(100, time);
    const at = race(pacer, time, 3);
    await time.run(10);
    pacer.refund();
    await time.run(500);
    // The second goes at the refund instead of at 100; the third keeps its turn.
    expect(at).toEqual([0, 10, 100]);
  });

  it('after a refund with nobody waiting, lets the next caller go at once', async () => {
    const time = manualTime(0);
    const pacer = new Pacer(100, time);
    race(pacer, time, 1);
    await time.run(20);
    pacer.refund();
    const at = race(pacer, time, 1);
    await time.run(0);
    expect(at).toEqual([20]);
  });

  it('refunds at most a quarter of the slots: an outage answering every request with an error is not hammered', async () => {
    const time = manualTime(0);
    const pacer = new Pacer(10, time);
    let went = 0;
    // 1,000 callers whose every request fails at once and is refunded.
    for (let i = 0; i < 1000; i++) {
      void pacer.acquire().then(() => {
        went += 1;
        pacer.refund();
      });
    }
    await time.run(3999);
    // In 4 s: 400 slots, and refunds worth a quarter of them, with a second's worth in hand at the start.
    expect(went).toBeGreaterThanOrEqual(400 * 1.25);
    expect(went).toBeLessThanOrEqual(400 * 1.25 + 25 + 1);
  });

  it('holds everyone back after a throughput error', async () => {
    const time = manualTime(0);
    const pacer = new Pacer(10, time);
    const first = race(pacer, time, 1);
    await time.run(0);
    pacer.pause(1000);
    const later = race(pacer, time, 2);
    await time.run(2000);
    expect(first).toEqual([0]);
    expect(later).toEqual([1000, 1010]);
  });
});

/** The DynamoDB counter's behaviour, in memory: one `next`, blocks taken in order, moved up to `notBefore`. */
class MemorySlots {
  next = 0;
  readonly takes: number[] = [];
  async take(count: number, notBefore: number) {
    this.takes.push(count);
    const first = Math.max(this.next, notBefore);
    this.next = first + count;
    return first;
  }
}

describe('SharedSlotPacer (every container)', () => {
  it('keeps the rate across pacers that share the slots, however their callers are spread', async () => {
    const time = manualTime(1_000_000);
    const slots = new MemorySlots();
    const a = new SharedSlotPacer(slots, 80, time, { slackMs: 0 });
    const b = new SharedSlotPacer(slots, 80, time, { slackMs: 0 });
    const c = new SharedSlotPacer(slots, 80, time, { slackMs: 0 });
    const calls = [race(a, time, 100), race(b, time, 30), race(c, time, 70)];
    await time.run(1000);
    const sent = calls.flat().sort((x, y) => x - y);
    // 80 slots in a second however the 200 callers were spread, and never two in one slot.
    const inFirstSecond = sent.filter((t) => t < 1_001_000);
    expect(inFirstSecond).toHaveLength(80);
    expect(new Set(sent).size).toBe(sent.length);
  });

  it('lets a pacer whose callers are all waiting elsewhere take no share: the others send at the full rate', async () => {
    const time = manualTime(2_000_000);
    const slots = new MemorySlots();
    const busy = new SharedSlotPacer(slots, 100, time);
    new SharedSlotPacer(slots, 100, time); // a container whose jobs all hang on Graph: it asks for nothing
    const at = race(busy, time, 300);
    await time.run(1000);
    expect(at.length).toBeGreaterThanOrEqual(99);
  });

  it('takes a block of slots per write for the callers waiting at that moment', async () => {
    const time = manualTime(3_000_000);
    const slots = new MemorySlots();
    const pacer = new SharedSlotPacer(slots, 1000, time, { maxBlock: 20 });
    race(pacer, time, 45);
    await time.run(100);
    // The first caller's block is taken alone; the others, waiting meanwhile, in blocks of up to 20.
    expect(slots.takes).toEqual([1, 20, 20, 4]);
  });

  it('starts from now after a quiet spell instead of sending the slots that went by', async () => {
    const time = manualTime(4_000_000);
    const slots = new MemorySlots();
    const pacer = new SharedSlotPacer(slots, 10, time, { slackMs: 100 });
    race(pacer, time, 1);
    await time.run(60_000);
    const at = race(pacer, time, 3);
    await time.run(1000);
    // The counter is moved up to 100 ms ago (the slack): the first two slots go at once, then one per 100 ms.
    expect(at).toEqual([4_060_000, 4_060_000, 4_060_100]);
  });

  it("gives a refunded send's turn to the next caller, and holds back after a throughput error", async () => {
    const time = manualTime(5_000_000);
    const slots = new MemorySlots();
    const pacer = new SharedSlotPacer(slots, 10, time, { slackMs: 0 });
    const at = race(pacer, time, 3);
    await time.run(1);
    expect(at).toEqual([5_000_000]);
    // The first caller's request failed at once: the caller after it goes now, not 100 ms later.
    pacer.refund();
    await time.run(1);
    expect(at).toEqual([5_000_000, 5_000_001]);
    pacer.pause(1000);
    await time.run(500);
    expect(at).toHaveLength(2);
    await time.run(1000);
    expect(at).toHaveLength(3);
  });

  it('fails the callers of a block it could not take, and serves later ones', async () => {
    const time = manualTime(6_000_000);
    let broken = true;
    const slots = {
      take: async (count: number, notBefore: number) => {
        if (broken) throw new Error('table unavailable');
        return notBefore + count * 0;
      },
    };
    const pacer = new SharedSlotPacer(slots, 10, time);
    await expect(pacer.acquire()).rejects.toThrow('table unavailable');
    broken = false;
    const at = race(pacer, time, 1);
    await time.run(200);
    expect(at).toHaveLength(1);
  });
});
