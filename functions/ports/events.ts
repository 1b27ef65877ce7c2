/** The webhook's changes on their way to the events consumer. */
import type { WebhookChange } from '../domain/webhook';

export interface EventsQueue {
  /** Queues each change as one message, packing SendMessageBatch calls under SQS's size limit. */
  enqueue(changes: readonly WebhookChange[]): Promise<void>;
}

/** Where a change too large for a queue message waits for the events consumer; the queue holds its key. */
export interface ChangeParking {
  park(body: string): Promise<string>;
  /** The change, or undefined when it is gone (applied and discarded already, or expired). */
  take(key: string): Promise<string | undefined>;
  discard(key: string): Promise<void>;
}
