import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ConversationMessage } from '../../domain/conversation';
import type { WamidRef } from '../../domain/message';
import type { SentRecords } from '../../ports';
import { writeTogether } from './batch-write';
import { type DynamoConversationStore, messageItem } from './conversation-store';
import { wamidRefItem } from './message-store';

/**
 * A sent message's wamid lookup (messages table) and conversation message (conversations table) in one
 * BatchWriteItem, then the conversation's summary: two write requests instead of three. Both puts are
 * plain: a send is recorded once, by the holder of its claim after its conditional mark-sent, and the
 * items are keyed by the wamid, so a repeat would write the same items again.
 */
export class DynamoSentRecords implements SentRecords {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly messagesTable: string,
    private readonly conversationsTable: string,
    private readonly conversations: Pick<DynamoConversationStore, 'touch'>,
  ) {}

  async record(message: ConversationMessage, ref: WamidRef, expiresAtEpochSeconds: number): Promise<void> {
    await writeTogether(this.db, {
      [this.messagesTable]: [
        { PutRequest: { Item: wamidRefItem(message.wamid, ref, expiresAtEpochSeconds) } },
      ],
      [this.conversationsTable]: [{ PutRequest: { Item: messageItem(message) } }],
    });
    await this.conversations.touch(message);
  }
}
