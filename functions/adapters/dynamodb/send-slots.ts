import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SendSlots } from '../../ports';
import { isConditionFailure } from './client';

/**
 * The sending number's throughput slots as one counter item in the messages table
 * (`SENDSLOTS#<rate>`, attribute `next`: the first slot nobody has taken). Taking a block is one
 * unconditional ADD; only after a quiet spell, when the counter lags behind the clock, a conditional SET
 * moves it up to now first (the slots in between have passed unused). A new rate starts a new counter.
 */
export class DynamoSendSlots implements SendSlots {
  private readonly pk: string;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    ratePerSecond: number,
  ) {
    this.pk = `SENDSLOTS#${ratePerSecond}`;
  }

  async take(count: number, notBefore: number): Promise<number> {
    for (;;) {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: this.pk },
          UpdateExpression: 'ADD #n :count',
          ExpressionAttributeNames: { '#n': 'next' },
          ExpressionAttributeValues: { ':count': count },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const first = Number(out.Attributes?.next) - count;
      if (first >= notBefore) return first;
      // Behind the clock: take the block at `notBefore` instead, unless someone moved the counter past it.
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: this.pk },
            UpdateExpression: 'SET #n = :end',
            ConditionExpression: '#n < :floor',
            ExpressionAttributeNames: { '#n': 'next' },
            ExpressionAttributeValues: { ':end': notBefore + count, ':floor': notBefore },
          }),
        );
        return notBefore;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }
}
