import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { chunk, forEachLimit, sleep } from '../../concurrency';
import { correlationAttributes } from '../../correlation';
import type { SendTask } from '../../domain/campaign';
import type { WebhookChange } from '../../domain/webhook';
import type { ChangeParking, EventsQueue, RedeliveryControl, SendQueue } from '../../ports';
import { encodeSendTask } from './send-jobs';

/**
 * Escapes every non-ASCII character of a JSON text (\uXXXX): the same JSON value, but a body that any SQS
 * implementation accepts (fauxqs refuses characters above U+FFFF, such as emoji) and whose checksum no client
 * or server can compute differently. Every body this platform queues goes through here.
 */
export function asciiSafe(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Sends bodies with SendMessageBatch, 10 per call and several calls at once; retries entries SQS refused. */
export async function sendBatched(
  sqs: SQSClient,
  queueUrl: string,
  bodies: readonly string[],
  options: { parallel?: number; delaySeconds?: number } = {},
) {
  await forEachLimit(chunk(bodies, 10), options.parallel ?? 16, async (group) => {
    let pending = group.map((body, i) => ({
      Id: String(i),
      MessageBody: asciiSafe(body),
      ...(options.delaySeconds ? { DelaySeconds: options.delaySeconds } : {}),
      ...correlationAttributes(),
    }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 5) throw new Error(`SQS refused ${pending.length} messages after retries`);
      if (attempt > 0) await sleep(100 * 2 ** attempt);
      const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
      const failed = new Set((out.Failed ?? []).map((f) => f.Id));
      pending = pending.filter((e) => failed.has(e.Id));
    }
  });
}

export class SqsSendQueue implements SendQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  enqueue(tasks: readonly SendTask[], options: { delaySeconds?: number } = {}): Promise<void> {
    return sendBatched(this.sqs, this.queueUrl, tasks.map(encodeSendTask), options);
  }
}

/**
 * A queue of single JSON messages: launch commands, assistant jobs, crawl jobs. Bodies go through
 * `asciiSafe` like every other body this platform queues.
 */
export class SqsJsonQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(body: T, options: { delaySeconds?: number } = {}): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: asciiSafe(JSON.stringify(body)),
        ...(options.delaySeconds ? { DelaySeconds: options.delaySeconds } : {}),
        ...correlationAttributes(),
      }),
    );
  }
}

export class SqsRedelivery implements RedeliveryControl {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async retryAfter(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        // SQS allows up to 12 hours.
        VisibilityTimeout: Math.min(43_200, Math.max(0, Math.round(seconds))),
      }),
    );
  }
}

/** SQS's limit for one SendMessageBatch call (all entries together). */
const MAX_BATCH_BYTES = 240 * 1024;

/** Sends bodies of varying size, packing each SendMessageBatch call under SQS's total size limit. */
export async function sendPacked(sqs: SQSClient, queueUrl: string, bodies: readonly string[]): Promise<void> {
  const groups: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const body of bodies) {
    const bytes = Buffer.byteLength(asciiSafe(body));
    if (current.length === 10 || (current.length > 0 && size + bytes > MAX_BATCH_BYTES)) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(body);
    size += bytes;
  }
  if (current.length > 0) groups.push(current);
  await Promise.all(groups.map((group) => sendBatched(sqs, queueUrl, group, { parallel: 1 })));
}

/** A queue message's body stays under this (SQS takes 256 KB; attributes and headroom take the rest). */
export const MAX_QUEUE_BODY_BYTES = 240 * 1024;

/**
 * The events queue: one message per webhook change (the webhook has already split large ones). A change
 * that is still too large (one update bigger than a message, or a field with no updates to split, such
 * as a history sync) is parked, and the message carries its key instead: nothing Meta sends is refused.
 */
export class SqsEventsQueue implements EventsQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly parking: Pick<ChangeParking, 'park'>,
  ) {}

  async enqueue(changes: readonly WebhookChange[]): Promise<void> {
    const bodies = await Promise.all(
      changes.map(async (change) => {
        const body = JSON.stringify(change);
        if (Buffer.byteLength(asciiSafe(body)) <= MAX_QUEUE_BODY_BYTES) return body;
        return JSON.stringify({ parked: await this.parking.park(body) });
      }),
    );
    await sendPacked(this.sqs, this.queueUrl, bodies);
  }
}
