import { scheduleName } from '../functions/adapters/scheduler/eventbridge-scheduler';
import type { CampaignScheduler } from '../functions/ports';
import type { LocalScheduler } from './local-scheduler';

/** The CampaignScheduler port on the local timer: same names and payload as the EventBridge schedules. */
export class LocalCampaignScheduler implements CampaignScheduler {
  constructor(private readonly scheduler: LocalScheduler) {}

  async scheduleStart(campaignId: string, at: Date): Promise<void> {
    this.scheduler.upsert({
      name: scheduleName(campaignId),
      at: at.toISOString(),
      payload: { campaignId, gen: 0, action: 'start' },
    });
  }

  async cancelStart(campaignId: string): Promise<void> {
    this.scheduler.delete(scheduleName(campaignId));
  }
}
