import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Page } from '../../domain/page';
import type { DeliveryAttempt, WebhookSubscription } from '../../domain/webhooks/subscription';
import type { SubscriptionPatch, WebhookStore } from '../../ports';
import { isConditionFailure, putNew, queryAll, queryPage } from './client';

const SUBSCRIPTIONS = 'SUB';
const attemptsOf = (subscriptionId: string) => `DELIVERY#${subscriptionId}`;

function subscriptionOf(item: Record<string, unknown>): WebhookSubscription {
  const { pk: _p, sk: _s, ...rest } = item;
  return rest as unknown as WebhookSubscription;
}

function attemptOf(item: Record<string, unknown>): DeliveryAttempt {
  const { pk: _p, sk: _s, expiresAt: _e, ...rest } = item;
  return rest as unknown as DeliveryAttempt;
}

/**
 * Subscriptions share one partition (SUB / <id>): there are at most 25, and every publisher reads them
 * all to learn which event types are wanted. Each subscription's attempts are their own partition,
 * newest last by their time-ordered ids, and expire after DELIVERY_RETENTION_DAYS (TTL).
 */
export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list(): Promise<WebhookSubscription[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': SUBSCRIPTIONS },
    });
    return items.map(subscriptionOf);
  }

  async get(id: string): Promise<WebhookSubscription | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: SUBSCRIPTIONS, sk: id }, ConsistentRead: true }),
    );
    return out.Item ? subscriptionOf(out.Item) : undefined;
  }

  create(subscription: WebhookSubscription): Promise<boolean> {
    return putNew(this.db, this.table, { ...subscription, pk: SUBSCRIPTIONS, sk: subscription.id });
  }

  async update(
    id: string,
    patch: SubscriptionPatch & { updatedAt: string },
    clear: readonly (keyof WebhookSubscription)[] = [],
  ): Promise<WebhookSubscription | undefined> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    for (const [i, [key, value]] of Object.entries(patch).entries()) {
      if (value === undefined) continue;
      names[`#a${i}`] = key;
      values[`:v${i}`] = value;
      sets.push(`#a${i} = :v${i}`);
    }
    const removes = clear.map((key, i) => {
      names[`#r${i}`] = key;
      return `#r${i}`;
    });
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: SUBSCRIPTIONS, sk: id },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? subscriptionOf(out.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async delete(id: string): Promise<boolean> {
    const out = await this.db.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: SUBSCRIPTIONS, sk: id },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes !== undefined;
  }

  async noteFailure(id: string, at: string): Promise<WebhookSubscription | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: SUBSCRIPTIONS, sk: id },
          UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :at)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes ? subscriptionOf(out.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async noteSuccess(id: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: SUBSCRIPTIONS, sk: id },
          UpdateExpression: 'REMOVE failingSince',
          // Most deliveries find nothing to clear: no write is made for them.
          ConditionExpression: 'attribute_exists(failingSince)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async disable(id: string, at: string, reason: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: SUBSCRIPTIONS, sk: id },
          UpdateExpression: 'SET #s = :disabled, disabledAt = :at, disabledReason = :why, updatedAt = :at',
          ConditionExpression: '#s = :active',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':disabled': 'disabled',
            ':active': 'active',
            ':at': at,
            ':why': reason,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async putAttempt(attempt: DeliveryAttempt, expiresAt: number): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...attempt, pk: attemptsOf(attempt.subscriptionId), sk: attempt.id, expiresAt },
      }),
    );
  }

  async getAttempt(subscriptionId: string, attemptId: string): Promise<DeliveryAttempt | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: attemptsOf(subscriptionId), sk: attemptId } }),
    );
    return out.Item ? attemptOf(out.Item) : undefined;
  }

  listAttempts(
    subscriptionId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<DeliveryAttempt>> {
    return queryPage(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': attemptsOf(subscriptionId) },
        ScanIndexForward: false,
      },
      page,
      attemptOf,
    );
  }
}
