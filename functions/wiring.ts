/**
 * How each Lambda is assembled from Deps. Handler files call these at cold start; the local runtime
 * calls them with its own Deps. Nothing here runs on import.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Deps } from './deps';
import type { LaunchCommand } from './domain/campaign';
import { createApp } from './http/app';
import { makeApiKeyVerifier } from './http/auth';
import { MAX_SEND_ATTEMPTS, QUEUES } from './resources';
import { runLaunchCommand } from './services/launcher';
import { makeSendWorker } from './services/send-worker';

export function apiApp(deps: Deps, options: { devApiKey?: string } = {}) {
  return createApp({
    ...deps,
    verifyApiKey: makeApiKeyVerifier(deps.apiKeys, options.devApiKey),
    mode: deps.config.mode,
  });
}

export function sendWorker(deps: Deps): (event: SQSEvent) => Promise<SQSBatchResponse> {
  return makeSendWorker({
    campaigns: deps.campaigns,
    recipients: deps.recipients,
    contacts: deps.contacts,
    messages: deps.messages,
    whatsapp: deps.whatsapp,
    sendQueue: deps.sendQueue,
    redelivery: deps.sendRedelivery,
    pacer: deps.pacer,
    clock: deps.clock,
    logger: deps.logger,
    mode: deps.config.mode,
    maxAttempts: Math.min(deps.config.send.maxAttempts, MAX_SEND_ATTEMPTS),
    maxReceiveCount: QUEUES.send.maxReceiveCount,
    claimLeaseMs: deps.config.send.claimLeaseMs,
  });
}

export function launcher(deps: Deps) {
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
