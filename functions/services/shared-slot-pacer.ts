import type { SendSlots } from '../ports';
import { type PacerTimers, RefundCredit, type SendPacer } from './pacer';

interface Scheduled {
  readonly at: number;
  readonly release: () => void;
  timer: unknown;
}

const wallClock: PacerTimers = {
  // Slots are instants shared by every container, so they are read off the wall clock (NTP-synchronised
  // in Lambda), not off a monotonic one.
  now: () => Date.now(),
  setTimer: (run, ms) => setTimeout(run, ms),
  clearTimer: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

export interface SharedSlotPacerOptions {
  /** Slots taken with one write at most (the jobs waiting at that moment, up to this many). */
  readonly maxBlock?: number;
  /** How late a slot may still be used; the counter is moved up to now past that (after a quiet spell). */
  readonly slackMs?: number;
}

/**
 * The throughput limit shared by every container of the send worker: slot n of the sending number is at
 * n / rate seconds after the epoch, and slots are taken from one counter in DynamoDB (`SendSlots`), a
 * block of them per write for the jobs waiting in this container. However many containers run and
 * however many of their jobs hang on a slow Graph request, no two sends share a slot, so together they
 * stay under the rate, and a container whose jobs wait takes no share from the others.
 */
export class SharedSlotPacer implements SendPacer {
  /** Jobs waiting for a slot to be taken for them. */
  private readonly waiting: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  /** Jobs with a slot, waiting for its time, earliest first. */
  private readonly scheduled: Scheduled[] = [];
  /** Slots given back by refunds, for the next jobs that ask. */
  private spare: number[] = [];
  private taking = false;
  private holdUntil = 0;
  private readonly slotMs: number;
  private readonly credit: RefundCredit;
  private readonly maxBlock: number;
  private readonly slackMs: number;

  constructor(
    private readonly slots: SendSlots,
    ratePerSecond: number,
    private readonly timers: PacerTimers = wallClock,
    options: SharedSlotPacerOptions = {},
  ) {
    this.slotMs = 1000 / ratePerSecond;
    // Earned by this container's own slots, so all of them together refund at most a share of the rate
    // (a new container starts with one refund, not a second's worth).
    this.credit = new RefundCredit(ratePerSecond, false);
    this.maxBlock = options.maxBlock ?? 20;
    this.slackMs = options.slackMs ?? 100;
  }

  acquire(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.fill();
    });
  }

  refund(): void {
    // The earliest job with a slot goes now; its slot goes to the next job that asks.
    if (this.scheduled.length === 0 || !this.credit.spend()) return;
    const head = this.scheduled.shift()!;
    this.timers.clearTimer(head.timer);
    this.spare.push(head.at);
    head.release();
    this.fill();
  }

  pause(ms: number): void {
    this.holdUntil = Math.max(this.holdUntil, this.timers.now() + ms);
    for (const s of this.scheduled) {
      this.timers.clearTimer(s.timer);
      s.timer = this.timers.setTimer(() => this.fire(s), this.delayFor(s.at));
    }
  }

  private fill(): void {
    const now = this.timers.now();
    this.spare = this.spare.filter((at) => at >= now - this.slackMs).sort((a, b) => a - b);
    while (this.waiting.length > 0 && this.spare.length > 0) {
      this.schedule(this.spare.shift()!, this.waiting.shift()!.resolve);
    }
    if (this.taking || this.waiting.length === 0) return;
    const block = this.waiting.splice(0, this.maxBlock);
    this.taking = true;
    const floor = Math.ceil((now - this.slackMs) / this.slotMs);
    this.slots.take(block.length, floor).then(
      (first) => {
        this.taking = false;
        block.forEach((job, i) => {
          this.schedule((first + i) * this.slotMs, job.resolve);
        });
        this.fill();
      },
      (error) => {
        this.taking = false;
        for (const job of block) job.reject(error);
        this.fill();
      },
    );
  }

  private schedule(at: number, release: () => void): void {
    const entry: Scheduled = { at, release, timer: undefined };
    const index = this.scheduled.findIndex((s) => s.at > at);
    this.scheduled.splice(index === -1 ? this.scheduled.length : index, 0, entry);
    entry.timer = this.timers.setTimer(() => this.fire(entry), this.delayFor(at));
  }

  private fire(entry: Scheduled): void {
    const index = this.scheduled.indexOf(entry);
    if (index === -1) return;
    this.scheduled.splice(index, 1);
    this.credit.earn();
    entry.release();
  }

  private delayFor(at: number): number {
    return Math.max(0, at - this.timers.now(), this.holdUntil - this.timers.now());
  }
}
