/**
 * Spaces this worker's sends evenly: at most one every `intervalMs`. With N workers each paced at
 * rate / N, the platform never exceeds `rate` however the work is spread. Lives at module scope in
 * Lambda, so the spacing holds across invocations of a warm container.
 */
export class Pacer {
  private next = 0;

  constructor(
    private intervalMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  static forRate(ratePerSecond: number, workers: number): Pacer {
    return new Pacer((1000 * workers) / ratePerSecond);
  }

  get interval(): number {
    return this.intervalMs;
  }

  /** Resolves when this caller may send; callers are served in arrival order. */
  async acquire(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.intervalMs;
    if (slot > now) await this.wait(slot - now);
  }

  /** Holds every later send back by `ms`, after WhatsApp said the throughput limit was hit (130429). */
  pause(ms: number): void {
    this.next = Math.max(this.next, this.now() + ms);
  }
}
