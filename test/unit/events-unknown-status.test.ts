import type { SQSEvent } from 'aws-lambda';
import { readNotification } from '../../functions/domain/webhook';
import { QUEUES } from '../../functions/resources';
import type { EventsDeps } from '../../functions/services/events';
import {
  makeEventsProcessor,
  redeliveryDelaySeconds,
  UNKNOWN_STATUS_RECEIVES,
} from '../../functions/services/events';
import { fixtureJson } from '../support/fixtures';

/** A status for a wamid nothing recorded: a send not written yet, or one another tool made. */
function unknownStatusRecord(receiveCount: number) {
  const notification = readNotification(fixtureJson('19-status-delivered-cbp.json'));
  if (!notification.ok) throw new Error(notification.reason);
  return {
    messageId: `m${receiveCount}`,
    receiptHandle: `r${receiveCount}`,
    body: JSON.stringify(notification.changes[0]),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  };
}

describe('a status for a message the platform has no record of', () => {
  const delays: number[] = [];
  const logged: { message: string; extra: Record<string, unknown> }[] = [];
  const deps = {
    messages: { getWamidRef: async () => undefined },
    redelivery: { retryAfter: async (_handle: string, seconds: number) => void delays.push(seconds) },
    campaigns: { addCounts: async () => undefined },
    clock: { now: () => new Date('2026-12-01T10:00:00Z') },
    logger: {
      info: (message: string, extra: Record<string, unknown>) => logged.push({ message, extra }),
      debug: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  } as unknown as EventsDeps;
  const handle = makeEventsProcessor(deps);

  it('is retried after 2, 4, 8, 16 and 32 seconds, then dropped and counted, never dead-lettered', async () => {
    const failed: number[] = [];
    for (let receive = 1; receive <= UNKNOWN_STATUS_RECEIVES; receive++) {
      const out = await handle({ Records: [unknownStatusRecord(receive)] } as unknown as SQSEvent);
      if (out.batchItemFailures.length > 0) failed.push(receive);
    }
    expect(failed).toEqual([1, 2, 3, 4, 5]);
    expect(delays).toEqual([2, 4, 8, 16, 32]);
    expect(logged).toEqual([
      expect.objectContaining({ extra: expect.objectContaining({ metric: 'status_unknown_message' }) }),
    ]);
    // Dropped before SQS would move it to the dead-letter queue (and its alarm).
    expect(UNKNOWN_STATUS_RECEIVES).toBeLessThan(QUEUES.events.maxReceiveCount);
    expect(redeliveryDelaySeconds(10)).toBe(60);
  });
});
