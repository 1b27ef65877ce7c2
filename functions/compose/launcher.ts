/** The launcher: launch, cancel, scheduled-start and release commands from the launch queue. */
import type { Context as LambdaContext, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LaunchCommand } from '../domain/campaign';
import type { CampaignScheduler } from '../ports';
import { consumeJsonRecords } from '../services/json-records';
import { runLaunchCommand } from '../services/launcher';
import { campaignService, eventBridgeScheduler } from './campaigns';
import type { Context } from './context';
import { launchQueue, sendQueue } from './queues';
import { campaignStore, recipientStore } from './stores';

export function buildLauncher(c: Context, options: { scheduler?: CampaignScheduler } = {}) {
  const scheduler = options.scheduler ?? eventBridgeScheduler(c);
  const deps = {
    campaigns: campaignStore(c),
    recipients: recipientStore(c),
    sendQueue: sendQueue(c),
    launchQueue: launchQueue(c),
    scheduler,
    service: campaignService(c, scheduler),
    clock: c.clock,
    logger: c.logger,
  };
  return (
    event: SQSEvent,
    context?: Pick<LambdaContext, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse> =>
    consumeJsonRecords<LaunchCommand>(event, c.logger, 'launch command', async (command) => {
      const outcome = await runLaunchCommand(
        deps,
        command,
        () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
      );
      return outcome === 'not_visible_yet' ? 'retry' : 'done';
    });
}
