import type { Context, SQSEvent } from 'aws-lambda';
import { buildCore } from '../deps/core';
import { buildData } from '../deps/data';
import { buildAssistant } from '../wiring/assistant';
import { buildFetcher, crawlProcessor } from '../wiring/crawler';
import { lazyHandler } from './lazy';

/** Room left at the end of an invocation to record the crawl's results. */
const FINISH_MS = 60_000;

/** The crawl queue's consumer: crawls and indexes one knowledge source per message. */
export const handler = lazyHandler(
  (config) => buildData(buildCore(config)),
  (deps) => {
    const assistant = buildAssistant(deps);
    const fetcher = buildFetcher(deps);
    return (event: SQSEvent, context: Context) =>
      crawlProcessor(deps, assistant, {
        fetcher,
        budgetMs: Math.max(10_000, context.getRemainingTimeInMillis() - FINISH_MS),
      })(event);
  },
);
