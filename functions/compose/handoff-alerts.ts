/**
 * Handoff alerts: SNS when the stack gave the function a topic, a log line otherwise (the local runtime).
 * The SNS client is loaded on the first alert, so no function pays for it at start-up.
 */
import type { HandoffAlerts } from '../ports';
import { FUNCTIONS, type FunctionResources } from '../resources';
import { alertingConversations, loggedHandoffAlerts } from '../services/handoff-alerts';
import type { Context } from './context';
import { announcer } from './hooks';
import { conversationStore } from './stores';

export function handoffAlerts(c: Context): HandoffAlerts {
  const arn = c.config.inbox.handoffTopicArn;
  if (!arn) return loggedHandoffAlerts(c.logger);
  if (c.fn !== 'local' && !(FUNCTIONS[c.fn] as FunctionResources).topics?.includes('handoff')) {
    throw new Error(`the ${c.fn} function may not publish to the handoff topic (functions/resources.ts)`);
  }
  let made: Promise<HandoffAlerts> | undefined;
  return {
    async handedOff(alert) {
      made ??= Promise.all([import('@aws-sdk/client-sns'), import('../adapters/sns/handoff-topic')]).then(
        ([sdk, adapter]) =>
          new adapter.SnsHandoffAlerts(
            c.once('sns', () => new sdk.SNSClient(c.clientSettings())),
            arn,
          ),
      );
      await (await made).handedOff(alert);
    },
  };
}

/** The conversation store of a function that can hand conversations over: every handoff is announced. */
export const alertingConversationStore = (c: Context) =>
  alertingConversations(conversationStore(c), handoffAlerts(c), c.logger, announcer(c));
