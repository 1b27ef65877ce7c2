/** How the launcher Lambda is assembled from Deps; its handler file and the local runtime both call this. Nothing runs on import. */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CampaignDeps } from '../deps/campaigns';
import type { DataDeps } from '../deps/data';
import type { LaunchCommand } from '../domain/campaign';
import { consumeJsonRecords } from '../services/json-records';
import { runLaunchCommand } from '../services/launcher';

export function launcher(deps: DataDeps & CampaignDeps) {
  return (event: SQSEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SQSBatchResponse> =>
    consumeJsonRecords<LaunchCommand>(event, deps.logger, 'launch command', async (command) => {
      const outcome = await runLaunchCommand(
        {
          campaigns: deps.campaigns,
          recipients: deps.recipients,
          sendQueue: deps.sendQueue,
          launchQueue: deps.launchQueue,
          scheduler: deps.scheduler,
          service: deps.campaignService,
          clock: deps.clock,
          logger: deps.logger,
        },
        command,
        () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
      );
      return outcome === 'not_visible_yet' ? 'retry' : 'done';
    });
}
