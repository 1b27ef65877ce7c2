/** The campaign lifecycle behind the campaign API and the launcher, and where its schedules go. */
import { EventBridgeCampaignScheduler } from '../adapters/scheduler/eventbridge-scheduler';
import type { CampaignScheduler } from '../ports';
import { CampaignService } from '../services/campaign-service';
import { STOP_SETTLE_MS } from '../services/sending/campaign-gate';
import { scheduler } from './aws-scheduler';
import type { Context } from './context';
import { announcedCampaignStore } from './hooks';
import { launchQueue } from './queues';
import { listStore, recipientStore, templateStore } from './stores';
import { metaTemplates } from './template-service';

/** EventBridge Scheduler, in the platform's schedule group; the local runtime brings its timer instead. */
export function eventBridgeScheduler(c: Context): CampaignScheduler {
  const settings = c.config.scheduler;
  if (settings) return new EventBridgeCampaignScheduler(scheduler(c), settings);
  // Without the stack's settings only scheduling fails, and says why; everything else works.
  const missing = async () => {
    throw new Error(
      'campaign schedules are not configured (SCHEDULE_GROUP_NAME, SCHEDULER_ROLE_ARN, LAUNCH_QUEUE_ARN)',
    );
  };
  return { scheduleStart: missing, cancelStart: missing, scheduleSeries: missing, scheduleRelease: missing };
}

export function campaignService(c: Context, scheduler: CampaignScheduler): CampaignService {
  return new CampaignService({
    campaigns: announcedCampaignStore(c),
    recipients: recipientStore(c),
    templates: templateStore(c),
    launchQueue: launchQueue(c),
    scheduler,
    lists: listStore(c),
    // LIVE with an account id: a campaign sends only through an approved, matching Meta template.
    ...(metaTemplates(c).guarded ? { templateApproval: metaTemplates(c) } : {}),
    clock: c.clock,
    logger: c.logger,
    stopSettleMs: STOP_SETTLE_MS,
    skipUsMarketing: c.config.send.skipUsMarketing,
  });
}
