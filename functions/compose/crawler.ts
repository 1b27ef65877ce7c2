/** The crawler: one knowledge source per message, crawled and indexed within one invocation. */
import type { Context as LambdaContext, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { GuardedFetcher } from '../adapters/web/guarded-fetcher';
import type { CrawlJob } from '../domain/knowledge/source';
import type { WebFetcher } from '../ports';
import { QUEUES } from '../resources';
import { crawlSource } from '../services/crawler';
import { consumeJsonRecords } from '../services/json-records';
import { type Assistant, buildAssistant } from './assistant';
import type { Context } from './context';
import { knowledgeStore } from './stores';

/** Room left at the end of an invocation to record the crawl's results. */
const FINISH_MS = 60_000;

export function guardedFetcher(c: Context): GuardedFetcher {
  const s = c.config.crawler;
  return new GuardedFetcher({
    policy: { allowLoopback: s.allowPrivateHosts },
    userAgent: s.userAgent,
    timeoutMs: s.timeoutMs,
    maxBytes: s.maxBytes,
    maxRedirects: 5,
  });
}

export function buildCrawler(c: Context, options: { assistant?: Assistant; fetcher?: WebFetcher } = {}) {
  const assistant = options.assistant ?? buildAssistant(c);
  const fetcher = options.fetcher ?? guardedFetcher(c);
  const store = knowledgeStore(c);
  return (
    event: SQSEvent,
    context?: Pick<LambdaContext, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse> => {
    // The whole invocation is the budget (the local runtime has no deadline: the queue's own timeout).
    const remaining = context?.getRemainingTimeInMillis() ?? QUEUES.crawl.consumerTimeoutSeconds * 1000;
    return consumeJsonRecords<CrawlJob>(event, c.logger, 'crawl job', async (job) => {
      await crawlSource(
        {
          store,
          indexer: assistant.indexer,
          fetcher,
          clock: c.clock,
          logger: c.logger,
          userAgent: c.config.crawler.userAgent,
          concurrency: c.config.crawler.concurrency,
          budgetMs: Math.max(10_000, remaining - FINISH_MS),
        },
        job.sourceId,
      );
      return 'done';
    });
  };
}
