/** How the crawler Lambda is assembled; its handler file and the local runtime both call this. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { GuardedFetcher } from '../adapters/web/guarded-fetcher';
import type { CoreDeps } from '../deps/core';
import type { DataDeps } from '../deps/data';
import type { CrawlJob } from '../domain/knowledge/source';
import type { WebFetcher } from '../ports';
import { crawlSource } from '../services/crawler';
import { consumeJsonRecords } from '../services/json-records';
import type { Assistant } from './assistant';

export function buildFetcher(deps: CoreDeps): GuardedFetcher {
  const c = deps.config.crawler;
  return new GuardedFetcher({
    policy: { allowLoopback: c.allowPrivateHosts },
    userAgent: c.userAgent,
    timeoutMs: c.timeoutMs,
    maxBytes: c.maxBytes,
    maxRedirects: 5,
  });
}

export function crawlProcessor(
  deps: DataDeps,
  assistant: Assistant,
  options: { fetcher: WebFetcher; budgetMs: number },
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const { fetcher } = options;
  return (event) =>
    consumeJsonRecords<CrawlJob>(event, deps.logger, 'crawl job', async (job) => {
      await crawlSource(
        {
          store: deps.knowledge,
          indexer: assistant.indexer,
          fetcher,
          clock: deps.clock,
          logger: deps.logger,
          userAgent: deps.config.crawler.userAgent,
          concurrency: deps.config.crawler.concurrency,
          budgetMs: options.budgetMs,
        },
        job.sourceId,
      );
      return 'done';
    });
}
