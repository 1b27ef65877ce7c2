import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createLogger } from '../../functions/logger';
import type { QueueDefinition } from '../../functions/resources';
import { LOCAL_REGION } from '../../local/platform';
import { ensureQueue } from '../../local/provision';
import { SqsPoller } from '../../local/sqs-poller';
import { sqsClient, uniqueSuffix } from '../support/aws';

// Visibility = 6 x consumer timeout = 1 s, so a failed record comes back quickly.
const queueDef: QueueDefinition = {
  localName: 'poller-test',
  envVar: 'POLLER_TEST_QUEUE',
  consumer: 'events',
  concurrency: 1,
  consumerTimeoutSeconds: 1 / 6,
  maxReceiveCount: 3,
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  dlqRetentionSeconds: 1_209_600,
};

async function waitFor(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('SqsPoller (the local event source mapping) against fauxqs', () => {
  const sqs = sqsClient();
  afterAll(() => sqs.destroy());

  it('delivers batches, deletes successes, redelivers batchItemFailures and dead-letters after maxReceiveCount', async () => {
    const queue = await ensureQueue(sqs, `poller-${uniqueSuffix()}`, queueDef);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: Array.from({ length: 10 }, (_, i) => ({
          Id: String(i),
          MessageBody: JSON.stringify({ n: i }),
        })),
      }),
    );
    const seen = new Map<number, number[]>();
    const batchSizes: number[] = [];
    const poller = new SqsPoller({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: LOCAL_REGION,
      batchSize: 10,
      concurrency: 2,
      waitTimeSeconds: 0,
      logger: createLogger({ level: 'ERROR' }),
      handler: async (event: SQSEvent) => {
        batchSizes.push(event.Records.length);
        const failures = [];
        for (const r of event.Records) {
          const n = (JSON.parse(r.body) as { n: number }).n;
          seen.set(n, [...(seen.get(n) ?? []), Number(r.attributes.ApproximateReceiveCount)]);
          expect(r.eventSource).toBe('aws:sqs');
          expect(r.eventSourceARN).toBe(queue.arn);
          // 7 always fails (poison); 3 fails once then succeeds.
          if (n === 7 || (n === 3 && seen.get(3)!.length === 1))
            failures.push({ itemIdentifier: r.messageId });
        }
        return { batchItemFailures: failures };
      },
    });
    poller.start();
    await waitFor(() => (seen.get(7)?.length ?? 0) >= 3 && (seen.get(3)?.length ?? 0) >= 2);
    // Give the poison message time to be redriven instead of delivered a fourth time.
    await new Promise((r) => setTimeout(r, 1500));
    await poller.stop();

    for (const n of [0, 1, 2, 4, 5, 6, 8, 9]) expect(seen.get(n)).toEqual([1]);
    expect(seen.get(3)).toEqual([1, 2]);
    expect(seen.get(7)).toEqual([1, 2, 3]);
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);

    const dlq = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, MaxNumberOfMessages: 10 }),
    );
    expect((dlq.Messages ?? []).map((m) => JSON.parse(m.Body!))).toEqual([{ n: 7 }]);
    const rest = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10 }));
    expect(rest.Messages ?? []).toEqual([]);
  });

  it('retries the whole batch when the handler throws', async () => {
    const queue = await ensureQueue(sqs, `poller-${uniqueSuffix()}`, queueDef);
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: [
          { Id: 'a', MessageBody: 'a' },
          { Id: 'b', MessageBody: 'b' },
        ],
      }),
    );
    const deliveries: string[] = [];
    let threw = false;
    const poller = new SqsPoller({
      sqs,
      queueUrl: queue.url,
      queueArn: queue.arn,
      region: LOCAL_REGION,
      batchSize: 10,
      concurrency: 1,
      waitTimeSeconds: 0,
      logger: createLogger({ level: 'ERROR' }),
      handler: async (event) => {
        deliveries.push(...event.Records.map((r) => r.body));
        if (!threw) {
          threw = true;
          throw new Error('crash');
        }
        return { batchItemFailures: [] };
      },
    });
    poller.start();
    await waitFor(
      () =>
        deliveries.filter((d) => d === 'a').length === 2 && deliveries.filter((d) => d === 'b').length === 2,
    );
    await poller.stop();
    expect(deliveries.sort()).toEqual(['a', 'a', 'b', 'b']);
  });
});
