/** The launcher: launch, cancel, scheduled-start, release and template-sync commands from the launch queue. */
import type { Context as LambdaContext, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { LaunchCommand } from '../domain/campaign';
import type { CampaignScheduler } from '../ports';
import { EXPORT_COMMAND, TEMPLATE_SYNC } from '../resources';
import { consumeJsonRecords } from '../services/json-records';
import { runLaunchCommand } from '../services/launcher';
import { campaignService, eventBridgeScheduler } from './campaigns';
import type { Context } from './context';
import { exportJobs } from './exports';
import { announcedCampaignStore } from './hooks';
import { type ExportCommand, launchQueue, sendQueue } from './queues';
import { recipientStore } from './stores';
import { metaTemplates } from './template-service';

export function buildLauncher(c: Context, options: { scheduler?: CampaignScheduler } = {}) {
  const scheduler = options.scheduler ?? eventBridgeScheduler(c);
  let exports: ReturnType<typeof exportJobs> | undefined;
  const deps = {
    campaigns: announcedCampaignStore(c),
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
    consumeJsonRecords<LaunchCommand | TemplateSyncCommand | ExportCommand>(
      event,
      c.logger,
      'launch command',
      async (command) => {
        if (command.action === TEMPLATE_SYNC.command.action) {
          await syncTemplates(c);
          return 'done';
        }
        if (command.action === EXPORT_COMMAND) {
          exports ??= exportJobs(c, 'put');
          await exports.run(command.exportId);
          return 'done';
        }
        const outcome = await runLaunchCommand(
          deps,
          command,
          () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
        );
        return outcome === 'not_visible_yet' ? 'retry' : 'done';
      },
    );
}

type TemplateSyncCommand = typeof TEMPLATE_SYNC.command;

/**
 * The template-sync schedule fired. Without an account to read (DEV mode, no account id or token) it is
 * logged and dropped; a failed read is logged too, and the next firing, 15 minutes on, tries again.
 */
async function syncTemplates(c: Context): Promise<void> {
  const templates = metaTemplates(c);
  if (!templates.connected) {
    c.logger.info('template sync skipped: no WhatsApp Business Account to read from');
    return;
  }
  try {
    await templates.sync();
  } catch (error) {
    c.logger.error('scheduled template sync failed; the next one is in 15 minutes', { error: String(error) });
  }
}
