import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SCHEDULED_TIME } from '../functions/adapters/scheduler/eventbridge-scheduler';
import { nextRun, parseScheduleExpression, type Recurrence } from '../functions/domain/recurrence';
import type { Logger } from '../functions/logger';
import type { Clock } from '../functions/ports';

export interface LocalSchedule {
  readonly name: string;
  /** When it fires next, as an ISO 8601 instant (absent: a series with no firing left). */
  readonly at?: string;
  readonly payload: unknown;
  /** Recurring schedules: the expression, and where rates count from. */
  readonly recurrence?: Recurrence;
  readonly anchor?: string;
  /** A disabled (paused) schedule keeps its place but does not fire. */
  readonly enabled?: boolean;
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
 * Plays EventBridge Scheduler locally: a timer fires each schedule at its time. One-time schedules are
 * deleted after they fire (ActionAfterCompletion: DELETE); recurring ones move on to their next time, and
 * `<aws.scheduler.scheduled-time>` in the payload becomes the firing's time, as Scheduler does.
 * One-time schedules whose time passed while the platform was stopped fire at start-up; recurring ones
 * skip the firings they missed (as a stopped Scheduler would never have sent them). The log says which.
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
    const now = this.options.clock.now();
    for (const s of [...this.schedules.values()]) {
      if (s.at === undefined || Date.parse(s.at) > now.getTime()) continue;
      if (s.recurrence) {
        const next = this.following(s, now);
        this.options.logger.info('series firings missed while the platform was stopped are skipped', {
          schedule: s.name,
          missedFrom: s.at,
          next: next ?? 'none',
        });
        this.put({ ...s, ...(next ? { at: next } : { at: undefined }) });
      } else {
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

  /** A one-time schedule at `at`, or a recurring one (its first time worked out here). */
  upsert(schedule: LocalSchedule): void {
    if (schedule.recurrence) {
      const now = this.options.clock.now();
      const anchor = schedule.anchor ?? schedule.recurrence.startAt ?? now.toISOString();
      const withAnchor = { ...schedule, anchor };
      // A new rate fires one interval after it was made (or at startAt), as the API's nextRunAt says.
      const first = this.following(withAnchor, now);

      this.put({ ...withAnchor, at: first });
      return;
    }
    this.put(schedule);
  }

  delete(name: string): boolean {
    const existed = this.schedules.delete(name);
    if (existed) this.save();
    return existed;
  }

  get(name: string): LocalSchedule | undefined {
    return this.schedules.get(name);
  }

  list(): LocalSchedule[] {
    return [...this.schedules.values()];
  }

  /** Fires every due schedule once; a failed target is retried on the next tick, as Scheduler retries. */
  async tick(): Promise<void> {
    const now = this.options.clock.now().getTime();
    for (const s of [...this.schedules.values()]) {
      if (s.at === undefined || s.enabled === false || Date.parse(s.at) > now) continue;
      try {
        await this.options.onFire({ ...s, payload: withScheduledTime(s.payload, s.at) });
      } catch (error) {
        this.options.logger.error('scheduled target failed; will retry', {
          schedule: s.name,
          error: String(error),
        });
        continue;
      }
      // The schedule may have been replaced or deleted while its target ran.
      if (this.schedules.get(s.name) !== s) continue;
      if (s.recurrence) {
        const next = this.following(s, new Date(Math.max(Date.parse(s.at), now)));
        this.put({ ...s, at: next });
      } else {
        this.delete(s.name);
      }
    }
  }

  private following(s: LocalSchedule, after: Date): string | undefined {
    const r = s.recurrence;
    if (!r) return undefined;
    const parsed = parseScheduleExpression(r.expression);
    if (!parsed.ok) throw new Error(`schedule ${s.name}: ${parsed.problem}`);
    const next = nextRun(parsed.expression, after, {
      zone: r.timezone,
      anchor: new Date(s.anchor ?? r.startAt ?? after),
      ...(r.endAt ? { endAt: new Date(r.endAt) } : {}),
    });
    return next?.toISOString();
  }

  private put(schedule: LocalSchedule): void {
    const clean = Object.fromEntries(
      Object.entries(schedule).filter(([, v]) => v !== undefined),
    ) as unknown as LocalSchedule;
    this.schedules.set(schedule.name, clean);
    this.save();
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

function withScheduledTime(payload: unknown, at: string): unknown {
  return JSON.parse(JSON.stringify(payload).replaceAll(SCHEDULED_TIME, at));
}
