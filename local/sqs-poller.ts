import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Logger } from '../functions/logger';

export type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;

export interface PollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly region: string;
  readonly handler: SqsHandler;
  /** Messages per invocation, at most 10 (one ReceiveMessage call). */
  readonly batchSize: number;
  /** Parallel invocations, like the event source mapping's maximum concurrency. */
  readonly concurrency: number;
  readonly logger: Logger;
  /** Long-poll wait; short so that stopping is quick. */
  readonly waitTimeSeconds?: number;
}

/**
 * Plays the part of Lambda's SQS event source mapping: receive a batch, invoke the handler, delete the
 * records that succeeded, and leave the failures (`batchItemFailures`, or all of them if the handler
 * throws) for SQS to redeliver after the visibility timeout and redrive to the DLQ after maxReceiveCount.
 */
export class SqsPoller {
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: this.options.concurrency }, () => this.loop());
  }

  /** Stops receiving and waits for batches in flight, so no invocation is cut off halfway. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    this.loops = [];
  }

  private async loop(): Promise<void> {
    const o = this.options;
    while (this.running) {
      let messages: Message[];
      try {
        const out = await o.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: o.queueUrl,
            MaxNumberOfMessages: Math.min(o.batchSize, 10),
            WaitTimeSeconds: o.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = out.Messages ?? [];
      } catch (error) {
        if (!this.running) return;
        o.logger.warn('receive failed; retrying', { queueUrl: o.queueUrl, error: String(error) });
        await sleep(500);
        continue;
      }
      if (messages.length > 0) await this.invoke(messages);
    }
  }

  private async invoke(messages: Message[]): Promise<void> {
    const o = this.options;
    const event: SQSEvent = { Records: messages.map((m) => this.toRecord(m)) };
    let failed: Set<string>;
    try {
      const response = await o.handler(event);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      o.logger.error('consumer threw; the whole batch will be retried', {
        queueUrl: o.queueUrl,
        error: String(error),
      });
      failed = new Set(messages.map((m) => m.MessageId!));
    }
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length > 0) {
      await o.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: o.queueUrl,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
    // Failed records stay in flight: SQS's visibility timeout (or one the handler set for backoff)
    // decides when they come back, and maxReceiveCount when they go to the DLQ, exactly as in AWS.
  }

  private toRecord(m: Message): SQSRecord {
    const a = m.Attributes ?? {};
    return {
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
        SentTimestamp: a.SentTimestamp ?? String(Date.now()),
        SenderId: a.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
          k,
          {
            stringValue: v.StringValue,
            dataType: v.DataType ?? 'String',
            stringListValues: [],
            binaryListValues: [],
          },
        ]),
      ),
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.options.queueArn,
      awsRegion: this.options.region,
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
