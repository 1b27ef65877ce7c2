import {
  releaseScheduleName,
  SCHEDULED_TIME,
  scheduleName,
} from '../functions/adapters/scheduler/eventbridge-scheduler';
import type { Recurrence } from '../functions/domain/recurrence';
import type { CampaignScheduler } from '../functions/ports';
import type { LocalScheduler } from './local-scheduler';

/** The CampaignScheduler port on the local timer: same names and payloads as the EventBridge schedules. */
export class LocalCampaignScheduler implements CampaignScheduler {
  constructor(private readonly scheduler: LocalScheduler) {}

  async scheduleStart(campaignId: string, at: Date): Promise<void> {
    this.scheduler.upsert({
      name: scheduleName(campaignId),
      at: at.toISOString(),
      payload: { campaignId, gen: 0, action: 'start' },
    });
  }

  async scheduleSeries(campaignId: string, recurrence: Recurrence, enabled: boolean): Promise<void> {
    const name = scheduleName(campaignId);
    const existing = this.scheduler.get(name);
    this.scheduler.upsert({
      name,
      recurrence,
      // A paused and resumed rate keeps counting from where it began, as Scheduler's does.
      ...(existing?.anchor ? { anchor: existing.anchor } : {}),
      enabled,
      payload: { campaignId, gen: 0, action: 'fire', at: SCHEDULED_TIME },
    });
  }

  async scheduleRelease(campaignId: string, at: Date): Promise<void> {
    const name = releaseScheduleName(campaignId, at);
    if (this.scheduler.get(name)) return;
    this.scheduler.upsert({ name, at: at.toISOString(), payload: { campaignId, gen: 0, action: 'release' } });
  }

  async cancelStart(campaignId: string): Promise<void> {
    this.scheduler.delete(scheduleName(campaignId));
  }
}
