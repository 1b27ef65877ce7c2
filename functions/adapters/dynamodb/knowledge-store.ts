import { createHash } from 'node:crypto';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { forEachLimit } from '../../concurrency';
import { ConflictError } from '../../domain/errors';
import { isLanguage } from '../../domain/knowledge/language-codes';
import type { Passage } from '../../domain/knowledge/retrieval';
import type {
  KnowledgePage,
  KnowledgeSource,
  KnowledgeSourceState,
  StoredChunk,
} from '../../domain/knowledge/source';
import type { KnowledgeStore } from '../../ports';
import { batchDelete, batchPut } from './batch-write';
import { conditionalUpdate, putNew, queryAll } from './client';

const sourceKey = (id: string) => ({ pk: `SRC#${id}`, sk: 'META' });
const pageKeyOf = (url: string) => createHash('sha256').update(url).digest('base64url').slice(0, 22);
const pageKey = (sourceId: string, url: string) => ({ pk: `SRC#${sourceId}`, sk: `PAGE#${pageKeyOf(url)}` });
const chunkSk = (url: string, n: number) => `CHUNK#${pageKeyOf(url)}#${String(n).padStart(4, '0')}`;
const VERSION_KEY = { pk: 'KB', sk: 'VERSION' };

/**
 * Knowledge sources, their pages and passages: SRC#<id> / META is the source, SRC#<id> / PAGE#<url hash>
 * a page (with its content hash, so a re-crawl skips unchanged pages), SRC#<id> / CHUNK#<url hash>#<n> its
 * passages with their embeddings as binary float32, their page's language and a review flag. One partition per source: loading every passage is one
 * query per source, and deleting a source removes one partition.
 */
export class DynamoKnowledgeStore implements KnowledgeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async createSource(source: KnowledgeSource): Promise<void> {
    const item = { ...source, ...sourceKey(source.id), gsi1pk: 'SOURCES', gsi1sk: source.id };
    if (!(await putNew(this.db, this.table, item))) {
      throw new ConflictError(`knowledge source ${source.id} already exists`);
    }
  }

  async getSource(id: string): Promise<KnowledgeSource | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: sourceKey(id), ConsistentRead: true }),
    );
    return out.Item ? toSource(out.Item) : undefined;
  }

  async listSources(): Promise<KnowledgeSource[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': 'SOURCES' },
      ScanIndexForward: false,
    });
    return items.map(toSource);
  }

  async updateSource(
    id: string,
    patch: Partial<Omit<KnowledgeSource, 'id' | 'kind' | 'createdAt'>>,
  ): Promise<boolean> {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return (await this.getSource(id)) !== undefined;
    return conditionalUpdate(this.db, this.table, {
      Key: sourceKey(id),
      UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
    });
  }

  transitionSource(
    id: string,
    from: readonly KnowledgeSourceState[],
    to: KnowledgeSourceState,
    at: string,
  ): Promise<boolean> {
    return conditionalUpdate(this.db, this.table, {
      Key: sourceKey(id),
      UpdateExpression: 'SET #s = :to, updatedAt = :at',
      ConditionExpression: `#s IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: {
        ':to': to,
        ':at': at,
        ...Object.fromEntries(from.map((s, i) => [`:f${i}`, s])),
      },
    });
  }

  async deleteSource(id: string): Promise<void> {
    // The source item goes first, so an interrupted delete leaves no listed source with half its pages.
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: sourceKey(id) }));
    const keys = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: { ':p': `SRC#${id}` },
      ProjectionExpression: 'pk, sk',
    });
    await batchDelete(this.db, this.table, keys);
  }

  async getPage(sourceId: string, url: string): Promise<KnowledgePage | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: pageKey(sourceId, url) }));
    return out.Item ? toPage(out.Item) : undefined;
  }

  async listPages(sourceId: string): Promise<KnowledgePage[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':p': `SRC#${sourceId}`, ':s': 'PAGE#' },
    });
    return items.map(toPage);
  }

  async putPage(page: KnowledgePage, chunks: readonly StoredChunk[]): Promise<void> {
    const previous = await this.getPage(page.sourceId, page.url);
    const pk = `SRC#${page.sourceId}`;
    await batchPut(
      this.db,
      this.table,
      chunks.map((c, n) => ({
        pk,
        sk: chunkSk(page.url, n),
        url: page.url,
        title: page.title,
        heading: c.heading,
        text: c.text,
        ...(c.language ? { lang: c.language } : {}),
        ...(c.review ? { review: true } : {}),
        ...(c.vector
          ? { vector: new Uint8Array(c.vector.buffer, c.vector.byteOffset, c.vector.byteLength) }
          : {}),
      })),
    );
    const stale = [];
    for (let n = chunks.length; n < (previous?.chunkCount ?? 0); n++)
      stale.push({ pk, sk: chunkSk(page.url, n) });
    await batchDelete(this.db, this.table, stale);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...page, chunkCount: chunks.length, ...pageKey(page.sourceId, page.url) },
      }),
    );
  }

  async deletePage(sourceId: string, url: string): Promise<void> {
    const page = await this.getPage(sourceId, url);
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: pageKey(sourceId, url) }));
    const keys = [];
    for (let n = 0; n < (page?.chunkCount ?? 0); n++)
      keys.push({ pk: `SRC#${sourceId}`, sk: chunkSk(url, n) });
    await batchDelete(this.db, this.table, keys);
  }

  async loadPassages(): Promise<Passage[]> {
    const sources = await this.listSources();
    const perSource: Passage[][] = [];
    await forEachLimit(sources, 8, async (source) => {
      const items = await queryAll(this.db, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :c)',
        ExpressionAttributeValues: { ':p': `SRC#${source.id}`, ':c': 'CHUNK#' },
      });
      perSource.push(
        items.map((i) => ({
          id: `${source.id}:${String(i.sk).slice(6)}`,
          sourceId: source.id,
          url: String(i.url ?? ''),
          title: String(i.title ?? ''),
          heading: String(i.heading ?? ''),
          text: String(i.text ?? ''),
          ...(typeof i.lang === 'string' && isLanguage(i.lang) ? { language: i.lang } : {}),
          ...(i.review === true ? { review: true } : {}),
          ...(i.vector instanceof Uint8Array ? { vector: toFloat32(i.vector) } : {}),
        })),
      );
    });
    return perSource.flat().sort((a, b) => a.id.localeCompare(b.id));
  }

  async version(): Promise<number> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: VERSION_KEY, ConsistentRead: true }),
    );
    return Number(out.Item?.v ?? 0);
  }

  async bumpVersion(): Promise<number> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: VERSION_KEY,
        UpdateExpression: 'ADD v :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.v ?? 0);
  }
}

function toFloat32(bytes: Uint8Array): Float32Array {
  // Copy into an aligned buffer: the SDK's bytes may sit at any offset of a larger buffer.
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4));
}

function toSource(item: Record<string, unknown>): KnowledgeSource {
  const { pk: _p, sk: _s, gsi1pk: _g, gsi1sk: _h, ...rest } = item;
  return rest as unknown as KnowledgeSource;
}

function toPage(item: Record<string, unknown>): KnowledgePage {
  const { pk: _p, sk: _s, ...rest } = item;
  return rest as unknown as KnowledgePage;
}
