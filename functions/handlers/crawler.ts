import { buildCrawler } from '../compose/crawler';
import { lambdaHandler } from '../compose/lambda';

/** The crawl queue's consumer: crawls and indexes one knowledge source per message. */
export const handler = lambdaHandler('crawler', (c) => buildCrawler(c));
