import type { SQSEvent } from 'aws-lambda';
import { createLogger } from '../../functions/logger';
import { consumeJsonRecords } from '../../functions/services/json-records';

const event = (...bodies: string[]) =>
  ({
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      body,
      attributes: { ApproximateReceiveCount: '1' },
    })),
  }) as unknown as SQSEvent;

describe('consumeJsonRecords', () => {
  it('handles each job, reports failed and retry-asking jobs, and drops a body that is not JSON', async () => {
    const seen: unknown[] = [];
    const result = await consumeJsonRecords<{ n: number }>(
      event('{"n":1}', 'not json', '{"n":2}', '{"n":3}'),
      createLogger({ level: 'ERROR' }),
      'test job',
      async (job) => {
        seen.push(job.n);
        if (job.n === 2) throw new Error('store down');
        return job.n === 3 ? 'retry' : 'done';
      },
    );
    expect(seen).toEqual([1, 2, 3]);
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }] });
  });
});
