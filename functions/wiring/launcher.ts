/** How the launcher Lambda is assembled from Deps; its handler file and the local runtime both call this. Nothing runs on import. */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { CampaignDeps } from '../deps/campaigns';
import type { DataDeps } from '../deps/data';
import type { LaunchCommand } from '../domain/campaign';
import { runLaunchCommand } from '../services/launcher';

export function launcher(deps: DataDeps & CampaignDeps) {
  return async (
    event: SQSEvent,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse> => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      let command: LaunchCommand;
      try {
        command = JSON.parse(record.body) as LaunchCommand;
      } catch {
        deps.logger.error('launch command is not JSON; dropping it', { messageId: record.messageId });
        continue;
      }
      try {
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
        if (outcome === 'not_visible_yet') failures.push({ itemIdentifier: record.messageId });
      } catch (error) {
        deps.logger.error('launch command failed; it will be retried', { command, error: String(error) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}
