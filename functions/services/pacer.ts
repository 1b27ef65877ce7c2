/**
 * Pacing of Graph requests to WhatsApp's throughput limit (messages per second per sending number).
 *
 * Every job asks the pacer before its Graph call, and the limit is shared by all the jobs that ask the
 * same pacer, however many there are and however many of them are stuck on a slow request: a job that
 * waits for an answer holds no share of the rate, so the others send in its place.
 *  - `Pacer` holds the limit in memory, for every consumer of one process (the local runtime).
 *  - `SharedSlotPacer` (shared-slot-pacer.ts) holds it across processes (Lambda containers) with slots
 *    taken from one counter in DynamoDB.
 */
export interface SendPacer {
  /** Resolves when the caller may send; callers are served in arrival order. */
  acquire(): Promise<void>;
  /**
   * The slot just acquired carried no message: the job sent nothing, or WhatsApp answered with an error
   * (not a timeout, which may have been accepted, and not 130429). The oldest waiting job goes at once,
   * as long as refunds stay within REFUND_SHARE of the slots (so an outage answering every request with
   * a 5xx does not turn into requests as fast as the workers can make them).
   */
  refund(): void;
  /** Holds every later send back by `ms`, after WhatsApp said the throughput limit was hit (130429). */
  pause(ms: number): void;
}

export interface PacerTimers {
  readonly now: () => number;
  readonly setTimer: (run: () => void, ms: number) => unknown;
  readonly clearTimer: (timer: unknown) => void;
}

/** Refunds may give back at most this share of the slots taken (each slot earns this much credit). */
export const REFUND_SHARE = 0.25;

/** Refund credit: earned by every slot taken, spent by every refund, at most a second's worth. */
export class RefundCredit {
  private credit: number;
  private readonly cap: number;

  /** `full`: start with a second's worth (one pacer per process); otherwise with one refund. */
  constructor(slotsPerSecond: number, full = true) {
    this.cap = Math.max(1, REFUND_SHARE * slotsPerSecond);
    this.credit = full ? this.cap : 1;
  }

  earn(): void {
    this.credit = Math.min(this.cap, this.credit + REFUND_SHARE);
  }

  spend(): boolean {
    if (this.credit < 1) return false;
    this.credit -= 1;
    return true;
  }
}

const realTimers: PacerTimers = {
  now: () => performance.now(),
  setTimer: (run, ms) => {
    const timer = setTimeout(run, ms);
    // A pacer with nobody waiting must not keep a process (or a test) alive.
    timer.unref?.();
    return timer;
  },
  clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/**
 * At most one send every `intervalMs`, evenly spaced, for everyone who shares this object. Idle time
 * does not accumulate into a burst: after a quiet spell the first caller goes at once and the next one an
 * interval later.
 */
export class Pacer implements SendPacer {
  /** When the next slot is free. */
  private next = Number.NEGATIVE_INFINITY;
  private readonly waiting: (() => void)[] = [];
  private timer: unknown;
  private readonly credit: RefundCredit;

  constructor(
    private readonly intervalMs: number,
    private readonly timers: PacerTimers = realTimers,
  ) {
    this.credit = new RefundCredit(intervalMs > 0 ? 1000 / intervalMs : Number.MAX_SAFE_INTEGER);
  }

  /** One pacer for all the consumers of this process, at the full rate. */
  static forRate(ratePerSecond: number): Pacer {
    return new Pacer(1000 / ratePerSecond);
  }

  get interval(): number {
    return this.intervalMs;
  }

  acquire(): Promise<void> {
    const now = this.timers.now();
    if (this.waiting.length === 0 && this.next <= now) {
      this.next = now + this.intervalMs;
      this.credit.earn();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  refund(): void {
    if (!this.credit.spend()) return;
    const head = this.waiting.shift();
    if (head) {
      head();
      return;
    }
    // Nobody waits: the slot goes to the next caller, but never further back than now.
    this.next = Math.max(this.timers.now(), this.next - this.intervalMs);
  }

  pause(ms: number): void {
    this.next = Math.max(this.next, this.timers.now() + ms);
    if (this.timer !== undefined) {
      this.timers.clearTimer(this.timer);
      this.timer = undefined;
    }
    this.schedule();
  }

  /** Releases one waiter per slot, each when its slot comes. */
  private schedule(): void {
    if (this.timer !== undefined || this.waiting.length === 0) return;
    const delay = Math.max(0, this.next - this.timers.now());
    this.timer = this.timers.setTimer(() => {
      this.timer = undefined;
      const head = this.waiting.shift();
      if (head) {
        // While callers wait, slots keep to a fixed grid, so a timer that fires late (a busy event loop)
        // does not slow the rate down; lateness beyond a little slack is not made up, so it never turns
        // into a burst.
        const slack = Math.max(this.intervalMs, 25);
        this.next = Math.max(this.next, this.timers.now() - slack) + this.intervalMs;
        this.credit.earn();
        head();
      }
      this.schedule();
    }, delay);
  }
}
