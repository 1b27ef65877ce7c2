/** One factory for each queue, checked against the function's grants like the stores (compose/stores.ts). */
import { SqsJsonQueue, SqsRedelivery, SqsSendQueue } from '../adapters/sqs/queues';
import type { LaunchCommand } from '../domain/campaign';
import type { InboundJob } from '../domain/conversation';
import type { CrawlJob } from '../domain/knowledge/source';
import type { WebhookMessage } from '../domain/webhooks/subscription';
import type {
  CrawlQueue,
  ExportQueue,
  HookQueue,
  InboundQueue,
  LaunchQueue,
  RedeliveryControl,
  SendQueue,
} from '../ports';
import { EXPORT_COMMAND, type QueueKey } from '../resources';
import { sqs } from './aws-sqs';
import type { Context } from './context';

export const sendQueue = (c: Context): SendQueue => new SqsSendQueue(sqs(c), c.queue('send'));
export const launchQueue = (c: Context): LaunchQueue =>
  new SqsJsonQueue<LaunchCommand>(sqs(c), c.queue('launch'));
/** An export job's command on the launch queue (the launcher writes the file; compose/launcher.ts). */
export const exportQueue = (c: Context): ExportQueue => {
  const queue = new SqsJsonQueue<ExportCommand>(sqs(c), c.queue('launch'));
  return { run: (exportId) => queue.send({ action: EXPORT_COMMAND, exportId }) };
};
export type ExportCommand = { readonly action: typeof EXPORT_COMMAND; readonly exportId: string };
export const inboundQueue = (c: Context): InboundQueue =>
  new SqsJsonQueue<InboundJob>(sqs(c), c.queue('inbound'));
export const crawlQueue = (c: Context): CrawlQueue => new SqsJsonQueue<CrawlJob>(sqs(c), c.queue('crawl'));
/** Delays the redelivery of messages of a queue the function consumes. */
export const redelivery = (c: Context, queue: QueueKey): RedeliveryControl => {
  return new SqsRedelivery(sqs(c), c.queue(queue, 'consume'));
};
export const hookQueue = (c: Context): HookQueue =>
  new SqsJsonQueue<WebhookMessage>(sqs(c), c.queue('hooks'));
