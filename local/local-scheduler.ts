import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../functions/logger';
import type { Clock } from '../functions/ports';

export interface LocalSchedule {
  readonly name: string;
  /** When to fire, as an ISO 8601 instant. */
  readonly at: string;
  readonly payload: unknown;
}

export interface LocalSchedulerOptions {
  /** JSON file that keeps schedules across restarts; in memory only when absent. */
  readonly file?: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onFire: (schedule: LocalSchedule) => Promise<void>;
  readonly tickMs?: number;
}

/**
 * Plays EventBridge Scheduler locally for one-time schedules: a timer fires each schedule at its time
 * and deletes it afterwards (ActionAfterCompletion: DELETE). Schedules whose time passed while the
 * platform was stopped fire at start-up, and the log says so.
 */
export class LocalScheduler {
  private schedules = new Map<string, LocalSchedule>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly options: LocalSchedulerOptions) {
    if (options.file) {
      try {
        const saved = JSON.parse(readFileSync(options.file, 'utf8')) as LocalSchedule[];
        for (const s of saved) this.schedules.set(s.name, s);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  start(): void {
    const now = this.options.clock.now().getTime();
    for (const s of this.schedules.values()) {
      if (Date.parse(s.at) <= now) {
        this.options.logger.info('schedule time passed while the platform was stopped; firing it now', {
          schedule: s.name,
          at: s.at,
        });
      }
    }
    this.ticking = this.tick();
    this.timer = setInterval(() => {
      this.ticking = this.ticking.then(() => this.tick());
    }, this.options.tickMs ?? 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  upsert(schedule: LocalSchedule): void {
    this.schedules.set(schedule.name, schedule);
    this.save();
  }

  delete(name: string): boolean {
    const existed = this.schedules.delete(name);
    if (existed) this.save();
    return existed;
  }

  list(): LocalSchedule[] {
    return [...this.schedules.values()];
  }

  /** Fires every due schedule once; a failed target is retried on the next tick, as Scheduler retries. */
  async tick(): Promise<void> {
    const now = this.options.clock.now().getTime();
    for (const s of [...this.schedules.values()]) {
      if (Date.parse(s.at) > now) continue;
      try {
        await this.options.onFire(s);
        this.delete(s.name);
      } catch (error) {
        this.options.logger.error('scheduled target failed; will retry', {
          schedule: s.name,
          error: String(error),
        });
      }
    }
  }

  private save(): void {
    const file = this.options.file;
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.schedules.values()], null, 2));
    renameSync(tmp, file);
  }
}
