import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { chunk, forEachLimit } from '../../concurrency';
import type { ContactList, ListMember } from '../../domain/contact-list';
import { ConflictError } from '../../domain/errors';
import type { Page } from '../../domain/page';
import type { ListStore } from '../../ports';
import { batchPut } from './batch-write';
import { isConditionFailure, newestFirst, putNew, queryPage } from './client';

const listKey = (id: string) => ({ pk: `LIST#${id}`, sk: 'META' });

/** Lists and their members; a member's attributes are kept on its contact, shared by every list. */
export class DynamoListStore implements ListStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly contactsTable: string,
  ) {}

  async create(list: ContactList): Promise<void> {
    const item = { ...list, ...listKey(list.id), gsi1pk: 'LISTS', gsi1sk: list.id };
    if (!(await putNew(this.db, this.table, item))) throw new ConflictError(`list ${list.id} already exists`);
  }

  async get(id: string): Promise<ContactList | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: listKey(id), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    return { id: out.Item.id, name: out.Item.name, createdAt: out.Item.createdAt };
  }

  list(page: { limit: number; cursor?: string }): Promise<Page<ContactList>> {
    return queryPage(this.db, newestFirst(this.table, 'LISTS'), page, (i) => ({
      id: String(i.id),
      name: String(i.name),
      createdAt: String(i.createdAt),
    }));
  }

  async addMembers(listId: string, members: readonly ListMember[]): Promise<void> {
    const now = new Date().toISOString();
    // Attributes first, membership second: a member never shows up without its attributes.
    await forEachLimit(members, 16, async (m) => {
      const names = Object.keys(m.attributes);
      await this.db
        .send(
          new UpdateCommand({
            TableName: this.contactsTable,
            Key: { pk: m.phone },
            // The contact remembers its lists (a string set), so its page can name them without a scan.
            UpdateExpression: `SET phone = :phone${names.map((_, i) => `, attributes.#a${i} = :v${i}`).join('')} ADD lists :list`,
            ...(names.length
              ? { ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])) }
              : {}),
            ExpressionAttributeValues: {
              ':phone': m.phone,
              ':list': new Set([listId]),
              ...Object.fromEntries(names.map((n, i) => [`:v${i}`, m.attributes[n]])),
            },
          }),
        )
        .catch(async (error) => {
          // The contact has no attributes map yet: create it whole.
          if (!(error instanceof Error) || error.name !== 'ValidationException') throw error;
          await this.db.send(
            new UpdateCommand({
              TableName: this.contactsTable,
              Key: { pk: m.phone },
              UpdateExpression: 'SET phone = :phone, attributes = :a ADD lists :list',
              ExpressionAttributeValues: {
                ':phone': m.phone,
                ':a': m.attributes,
                ':list': new Set([listId]),
              },
            }),
          );
        });
    });
    await batchPut(
      this.db,
      this.table,
      members.map((m) => ({ pk: `LIST#${listId}`, sk: `M#${m.phone}`, phone: m.phone, addedAt: now })),
    );
  }

  async members(listId: string, page: { limit: number; cursor?: string }): Promise<Page<ListMember>> {
    const phones = await queryPage(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :m)',
        ExpressionAttributeValues: { ':p': `LIST#${listId}`, ':m': 'M#' },
      },
      page,
      (i) => String(i.phone),
    );
    const items = await this.withAttributes(phones.items);
    return { items, ...(phones.nextCursor ? { nextCursor: phones.nextCursor } : {}) };
  }

  async allMembers(listId: string): Promise<ListMember[]> {
    const all: ListMember[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.members(listId, { limit: 500, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  async removeMember(listId: string, phone: string): Promise<boolean> {
    const out = await this.db.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: `LIST#${listId}`, sk: `M#${phone}` },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (out.Attributes === undefined) return false;
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.contactsTable,
          Key: { pk: phone },
          UpdateExpression: 'DELETE lists :list',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':list': new Set([listId]) },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
    return true;
  }

  private async withAttributes(phones: string[]): Promise<ListMember[]> {
    const found = new Map<string, Record<string, string>>();
    for (const keys of chunk(phones, 100)) {
      let request: Record<string, unknown>[] | undefined = keys.map((pk) => ({ pk }));
      while (request && request.length > 0) {
        const out = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.contactsTable]: { Keys: request, ProjectionExpression: 'pk, attributes' } },
          }),
        );
        for (const item of out.Responses?.[this.contactsTable] ?? []) {
          found.set(String(item.pk), (item.attributes as Record<string, string>) ?? {});
        }
        request = out.UnprocessedKeys?.[this.contactsTable]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return phones.map((phone) => ({ phone, attributes: found.get(phone) ?? {} }));
  }
}
