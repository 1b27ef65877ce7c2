import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CannedReply } from '../../domain/canned-reply';
import type { CannedReplyStore } from '../../ports';

/**
 * Canned replies live in the conversations table under one partition (CANNED / <shortcut>): a team has
 * tens of them, read together whenever an agent opens the inbox.
 */
export class DynamoCannedReplyStore implements CannedReplyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(): Promise<CannedReply[]> {
    const replies: CannedReply[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'CANNED' },
          ExclusiveStartKey: start,
        }),
      );
      for (const { pk: _p, sk: _s, ...reply } of out.Items ?? []) replies.push(reply as CannedReply);
      start = out.LastEvaluatedKey;
    } while (start);
    return replies;
  }

  async put(reply: CannedReply): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.table, Item: { ...reply, pk: 'CANNED', sk: reply.shortcut } }),
    );
  }

  async delete(shortcut: string): Promise<boolean> {
    const out = await this.db.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: 'CANNED', sk: shortcut },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes !== undefined;
  }
}
