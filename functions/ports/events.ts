/** The webhook's changes on their way to the events consumer. */
import type { WebhookChange } from '../domain/webhook';

export interface EventsQueue {
  /** Queues each change as one message, packing SendMessageBatch calls under SQS's size limit. */
  enqueue(changes: readonly WebhookChange[]): Promise<void>;
}
