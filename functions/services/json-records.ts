import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { forRecord } from '../correlation';
import type { Logger } from '../logger';

/**
 * The loop of a queue consumer whose messages are one JSON job each (launch commands, assistant jobs,
 * crawl jobs), with partial batch failures. A body that is not JSON is logged and dropped: no retry can
 * mend it. A job whose handler throws, or answers 'retry', is reported failed so SQS delivers it again
 * (and, after the queue's receive limit, moves it to the dead-letter queue).
 */
export async function consumeJsonRecords<T>(
  event: SQSEvent,
  logger: Logger,
  what: string,
  handle: (job: T, record: SQSRecord) => Promise<'done' | 'retry'>,
): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    let job: T;
    try {
      job = JSON.parse(record.body) as T;
    } catch {
      logger.error(`${what} is not JSON; dropping it`, { messageId: record.messageId });
      continue;
    }
    try {
      const outcome = await forRecord(record, () => handle(job, record));
      if (outcome === 'retry') failures.push({ itemIdentifier: record.messageId });
    } catch (error) {
      logger.error(`${what} failed; it will be retried`, {
        messageId: record.messageId,
        attempt: Number(record.attributes?.ApproximateReceiveCount ?? '1'),
        error: String(error),
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
