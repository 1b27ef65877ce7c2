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
   * (not a timeout, which may have been accepted, and not 130429). The oldest waiting job goes at once.
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

  constructor(
    private readonly intervalMs: number,
    private readonly timers: PacerTimers = realTimers,
  ) {}

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
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  refund(): void {
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
        this.next = Math.max(this.next, this.timers.now()) + this.intervalMs;
        head();
      }
      this.schedule();
    }, delay);
  }
}
