/**
 * A source deleted through the API while its crawl runs: the crawl stops, and no page or passage of it
 * stays in the table. Real DynamoDB store (dynalite), the real fetcher, the fixture website on loopback.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoKnowledgeStore } from '../../functions/adapters/dynamodb/knowledge-store';
import { GuardedFetcher } from '../../functions/adapters/web/guarded-fetcher';
import { newSource } from '../../functions/domain/knowledge/source';
import { createLogger } from '../../functions/logger';
import type { WebFetcher } from '../../functions/ports';
import { crawlSource } from '../../functions/services/crawler';
import { KnowledgeIndexer } from '../../functions/services/knowledge-indexer';
import { type FixtureSite, startFixtureSite } from '../../local/fixture-site/server';
import { documentClient, isolatedConfig } from '../support/aws';

jest.setTimeout(60_000);

describe('deleting a source while it is crawled', () => {
  let site: FixtureSite;
  const db = documentClient();
  const fetcher = new GuardedFetcher({
    policy: { allowLoopback: true },
    userAgent: 'test-bot',
    timeoutMs: 5000,
    maxBytes: 1_000_000,
    maxRedirects: 3,
  });
  beforeAll(async () => {
    site = await startFixtureSite();
  });
  afterAll(async () => {
    await fetcher.close();
    await site.close();
    db.destroy();
  });

  async function setup() {
    const config = await isolatedConfig();
    const store = new DynamoKnowledgeStore(db, config.tables.knowledge);
    const source = newSource(`src-${Math.random().toString(36).slice(2, 10)}`, new Date().toISOString(), {
      kind: 'website',
      url: `${site.url}/`,
      state: 'queued',
      maxPages: 50,
      maxDepth: 3,
    });
    await store.createSource(source);
    const itemsOf = async () =>
      (
        await db.send(
          new QueryCommand({
            TableName: config.tables.knowledge,
            KeyConditionExpression: 'pk = :p',
            ExpressionAttributeValues: { ':p': `SRC#${source.id}` },
          }),
        )
      ).Items ?? [];
    const crawl = (through: WebFetcher) =>
      crawlSource(
        {
          store,
          indexer: new KnowledgeIndexer(store, undefined, { now: () => new Date() }),
          fetcher: through,
          clock: { now: () => new Date() },
          logger: createLogger({ level: 'ERROR' }),
          userAgent: 'test-bot',
          concurrency: 2,
          budgetMs: 60_000,
        },
        source.id,
      );
    return { store, source, itemsOf, crawl };
  }

  it('stops the crawl and leaves no page or passage behind', async () => {
    const { store, source, itemsOf, crawl } = await setup();
    let fetched = 0;
    // The user deletes the source once a few pages are indexed, as the API's DELETE does.
    const deletingFetcher: WebFetcher = {
      get: async (url) => {
        fetched++;
        if (fetched === 6) await store.deleteSource(source.id);
        return fetcher.get(url);
      },
    };
    await crawl(deletingFetcher);
    expect(await store.getSource(source.id)).toBeUndefined();
    expect(await itemsOf()).toEqual([]);
    // It stopped soon after the delete instead of crawling the whole site (18 pages).
    expect(fetched).toBeLessThan(12);
  });

  it('a crawl left alone indexes the site and keeps its pages', async () => {
    const { store, source, itemsOf, crawl } = await setup();
    await crawl(fetcher);
    expect(await store.getSource(source.id)).toMatchObject({ state: 'ready' });
    expect((await itemsOf()).length).toBeGreaterThan(20);
  });
});
