/**
 * One factory for each store (compose/queues.ts has the queues). A function's builder calls only the ones it uses, and each checks
 * the function's grants (Context.table, Context.queue), so a builder cannot hold a store on a table its
 * IAM role may not touch. Importing this module costs nothing: factories are plain functions, and the
 * bundler leaves out the adapters of factories a function never calls.
 */
import { DynamoApiKeyStore } from '../adapters/dynamodb/api-key-store';
import { DynamoCampaignStore } from '../adapters/dynamodb/campaign-store';
import { DynamoCannedReplyStore } from '../adapters/dynamodb/canned-reply-store';
import { DynamoContactStore } from '../adapters/dynamodb/contact-store';
import { DynamoConversationStore } from '../adapters/dynamodb/conversation-store';
import { DynamoIdempotencyStore } from '../adapters/dynamodb/idempotency-store';
import { DynamoKnowledgeStore } from '../adapters/dynamodb/knowledge-store';
import { DynamoListStore } from '../adapters/dynamodb/list-store';
import { DynamoMessageStore } from '../adapters/dynamodb/message-store';
import { DynamoRecipientStore } from '../adapters/dynamodb/recipient-store';
import { DynamoSendSlots } from '../adapters/dynamodb/send-slots';
import { DynamoSentRecords } from '../adapters/dynamodb/sent-records';
import { DynamoStatusTarget } from '../adapters/dynamodb/status-target';
import { DynamoTemplateStore } from '../adapters/dynamodb/template-store';
import { DynamoSessionStore, DynamoSignInThrottle, DynamoUserStore } from '../adapters/dynamodb/user-store';
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store';
import { dynamo } from './aws-dynamodb';
import type { Context } from './context';

export const templateStore = (c: Context) =>
  new DynamoTemplateStore(dynamo(c), c.table('templates'), c.clock);
export const apiKeyStore = (c: Context) => new DynamoApiKeyStore(dynamo(c), c.table('apiKeys'));
export const idempotencyStore = (c: Context) => new DynamoIdempotencyStore(dynamo(c), c.table('idempotency'));
export const campaignStore = (c: Context) =>
  new DynamoCampaignStore(dynamo(c), c.table('campaigns'), c.table('recipients'));
export const recipientStore = (c: Context) => new DynamoRecipientStore(dynamo(c), c.table('recipients'));
export const contactStore = (c: Context) => new DynamoContactStore(dynamo(c), c.table('contacts'));
export const messageStore = (c: Context) => new DynamoMessageStore(dynamo(c), c.table('messages'));
/** The sending number's throughput slots: one counter item in the messages table. */
export const sendSlots = (c: Context) =>
  new DynamoSendSlots(dynamo(c), c.table('messages'), c.config.send.ratePerSecond);
export const conversationStore = (c: Context) =>
  new DynamoConversationStore(dynamo(c), c.table('conversations'), c.clock);
/** What a sent message leaves behind (its wamid lookup and its conversation message), written together. */
export const sentRecords = (c: Context) =>
  new DynamoSentRecords(dynamo(c), c.table('messages'), c.table('conversations'), conversationStore(c));
export const cannedReplyStore = (c: Context) =>
  new DynamoCannedReplyStore(dynamo(c), c.table('conversations'));
export const statusTarget = (c: Context) =>
  new DynamoStatusTarget(dynamo(c), c.table('recipients'), c.table('messages'));
export const listStore = (c: Context) =>
  new DynamoListStore(dynamo(c), c.table('lists'), c.table('contacts'));
export const userStore = (c: Context) => new DynamoUserStore(dynamo(c), c.table('users'));
export const sessionStore = (c: Context) => new DynamoSessionStore(dynamo(c), c.table('users'));
export const signInThrottle = (c: Context) => new DynamoSignInThrottle(dynamo(c), c.table('users'));
export const knowledgeStore = (c: Context) => new DynamoKnowledgeStore(dynamo(c), c.table('knowledge'));
export const webhookStore = (c: Context) => new DynamoWebhookStore(dynamo(c), c.table('webhooks'));
