/** Campaign lifecycle: the service behind the campaign API and the launcher, and its schedules. */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { EventBridgeCampaignScheduler } from '../adapters/scheduler/eventbridge-scheduler';
import type { CampaignScheduler } from '../ports';
import { CampaignService } from '../services/campaign-service';
import { clientSettings, unconfigured } from './core';
import type { DataDeps } from './data';

export interface CampaignDeps {
  readonly scheduler: CampaignScheduler;
  readonly campaignService: CampaignService;
}

export interface CampaignOptions {
  /** EventBridge Scheduler by default; the local runtime brings its own. */
  readonly scheduler?: CampaignScheduler;
}

export function buildCampaigns(data: DataDeps, options: CampaignOptions = {}): CampaignDeps {
  const scheduler =
    options.scheduler ??
    (data.config.scheduler
      ? new EventBridgeCampaignScheduler(new SchedulerClient(clientSettings(data.aws)), data.config.scheduler)
      : unconfigured<CampaignScheduler>('campaign scheduler'));
  return {
    scheduler,
    campaignService: new CampaignService({
      campaigns: data.campaigns,
      recipients: data.recipients,
      templates: data.templates,
      launchQueue: data.launchQueue,
      scheduler,
      lists: data.lists,
      clock: data.clock,
      logger: data.logger,
    }),
  };
}
