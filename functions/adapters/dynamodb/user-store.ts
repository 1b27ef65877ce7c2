import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../../domain/errors';
import { normalizeEmail, type StoredUser } from '../../domain/user';
import type { Session, SessionStore, SignInThrottle, UserStore } from '../../ports';
import { isConditionFailure } from './client';

const userKey = (id: string) => ({ pk: `USER#${id}`, sk: 'META' });
const loginKey = (email: string) => ({ pk: `LOGIN#${normalizeEmail(email)}`, sk: 'META' });
const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function toUser(item: Record<string, unknown>): StoredUser {
  const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, ...rest } = item;
  return rest as unknown as StoredUser;
}

/**
 * Users, with their e-mail address claimed first by a conditional put on LOGIN#<email>, so two admins
 * creating the same address at once make one account.
 */
export class DynamoUserStore implements UserStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(user: StoredUser): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...loginKey(user.email), userId: user.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError(`a user with the e-mail ${user.email} exists`);
      throw error;
    }
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...user, ...userKey(user.id), gsi1pk: 'USERS', gsi1sk: `${user.createdAt}#${user.id}` },
      }),
    );
  }

  async get(id: string): Promise<StoredUser | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: userKey(id), ConsistentRead: true }),
    );
    return out.Item ? toUser(out.Item) : undefined;
  }

  async byEmail(email: string): Promise<StoredUser | undefined> {
    const login = await this.db.send(
      new GetCommand({ TableName: this.table, Key: loginKey(email), ConsistentRead: true }),
    );
    return typeof login.Item?.userId === 'string' ? this.get(login.Item.userId) : undefined;
  }

  async list(): Promise<StoredUser[]> {
    const users: StoredUser[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :u',
          ExpressionAttributeValues: { ':u': 'USERS' },
          ExclusiveStartKey: start,
        }),
      );
      users.push(...(out.Items ?? []).map(toUser));
      start = out.LastEvaluatedKey;
    } while (start);
    return users;
  }

  async any(): Promise<boolean> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :u',
        ExpressionAttributeValues: { ':u': 'USERS' },
        Limit: 1,
      }),
    );
    return (out.Items?.length ?? 0) > 0;
  }

  async update(id: string, patch: Parameters<UserStore['update']>[1], at: string): Promise<StoredUser> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    const removes = Object.entries(patch)
      .filter(([k, v]) => v === undefined && k in patch)
      .map(([k]) => k);
    const names = Object.fromEntries([...entries.map(([k]) => k), ...removes].map((k) => [`#${k}`, k]));
    const sets = [...entries.map(([k]) => `#${k} = :${k}`), 'updatedAt = :at'];
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: userKey(id),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.map((k) => `#${k}`).join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ...Object.fromEntries(entries.map(([k, v]) => [`:${k}`, v])),
            ':at': at,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toUser(out.Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`user ${id} does not exist`);
      throw error;
    }
  }

  async countFailedSignIn(id: string, at: string): Promise<number> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: userKey(id),
          UpdateExpression: 'ADD failedSignIns :one SET updatedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1, ':at': at },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.failedSignIns ?? 1);
    } catch (error) {
      if (isConditionFailure(error)) throw new NotFoundError(`user ${id} does not exist`);
      throw error;
    }
  }
}

/** Sessions by token hash, each also listed under its user so that all of them can be ended at once. */
export class DynamoSessionStore implements SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(tokenHash: string, session: Session): Promise<void> {
    const expiresAt = epoch(session.expiresAt);
    await Promise.all([
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `SESSION#${tokenHash}`,
            sk: 'META',
            ...session,
            expiresAt,
            expiresAtIso: session.expiresAt,
          },
        }),
      ),
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `USER#${session.userId}`, sk: `SESSION#${tokenHash}`, expiresAt },
        }),
      ),
    ]);
  }

  async get(tokenHash: string): Promise<Session | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `SESSION#${tokenHash}`, sk: 'META' },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item) return undefined;
    return {
      userId: item.userId as string,
      csrfToken: item.csrfToken as string,
      createdAt: item.createdAt as string,
      expiresAt: item.expiresAtIso as string,
    };
  }

  async delete(tokenHash: string): Promise<void> {
    const session = await this.get(tokenHash);
    await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: `SESSION#${tokenHash}`, sk: 'META' } }),
    );
    if (session) {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: `USER#${session.userId}`, sk: `SESSION#${tokenHash}` },
        }),
      );
    }
  }

  async deleteForUser(userId: string): Promise<void> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
        ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':s': 'SESSION#' },
      }),
    );
    const keys = (out.Items ?? []).flatMap((i) => [
      { pk: i.pk as string, sk: i.sk as string },
      { pk: i.sk as string, sk: 'META' },
    ]);
    for (let i = 0; i < keys.length; i += 25) {
      await this.db.send(
        new BatchWriteCommand({
          RequestItems: { [this.table]: keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) },
        }),
      );
    }
  }
}

/** Failed sign-ins per address, counted in fixed windows (an ADD on THROTTLE#<address> / <window>). */
export class DynamoSignInThrottle implements SignInThrottle {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private key(address: string, now: Date, windowMinutes: number) {
    const windowMs = windowMinutes * 60_000;
    const start = Math.floor(now.getTime() / windowMs) * windowMs;
    return {
      key: { pk: `THROTTLE#${address}`, sk: String(start) },
      expiresAt: Math.floor((start + 2 * windowMs) / 1000),
    };
  }

  async fail(address: string, now: Date, windowMinutes: number): Promise<number> {
    const { key, expiresAt } = this.key(address, now, windowMinutes);
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: key,
        UpdateExpression: 'ADD failures :one SET expiresAt = :exp',
        ExpressionAttributeValues: { ':one': 1, ':exp': expiresAt },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.failures ?? 1);
  }

  async failures(address: string, now: Date, windowMinutes: number): Promise<number> {
    const { key } = this.key(address, now, windowMinutes);
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return Number(out.Item?.failures ?? 0);
  }
}
