/**
 * Crawls one website source: robots.txt first (obeyed for our user agent), then the sitemap and the start
 * page, then same-origin links breadth-first to the depth limit. Non-HTML, robots-disallowed, noindex and
 * duplicate pages (same canonical URL or same content) are skipped with a reason; every fetch goes through
 * the guarded fetcher, which refuses private addresses. Once every page is read, the blocks the site
 * repeats on most pages (its template's banners and bands) are dropped, and the pages are indexed. Pages
 * that are gone since the last crawl are removed, and unchanged pages are not embedded again.
 */
import robotsParser from 'robots-parser';
import { forEachLimit } from '../concurrency';
import { withoutRepeatedBlocks } from '../domain/knowledge/boilerplate';
import { type ExtractedPage, extractPage, safeUrl } from '../domain/knowledge/html';
import { parseSitemap } from '../domain/knowledge/sitemap';
import type { SkippedPage } from '../domain/knowledge/source';
import type { Logger } from '../logger';
import type { Clock, KnowledgeStore, WebFetcher } from '../ports';
import { contentHash, type KnowledgeIndexer } from './knowledge-indexer';

export interface CrawlerDeps {
  readonly store: KnowledgeStore;
  readonly indexer: KnowledgeIndexer;
  readonly fetcher: WebFetcher;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly userAgent: string;
  /** Pages fetched at once. */
  readonly concurrency: number;
  /** Stop taking new pages after this long (the function's timeout minus room to finish). */
  readonly budgetMs: number;
}

const MAX_SKIPPED_LISTED = 200;
const MAX_ERRORS_LISTED = 20;
const MAX_SITEMAPS = 5;

export async function crawlSource(d: CrawlerDeps, sourceId: string): Promise<void> {
  const source = await d.store.getSource(sourceId);
  if (source?.kind !== 'website' || !source.url) {
    d.logger.info('crawl job for a source that no longer exists; dropped', { sourceId });
    return;
  }
  const startedAt = d.clock.now();
  // A retried job (after a crash) takes the crawl over from 'crawling'; a deleted source stops it.
  if (
    !(await d.store.transitionSource(
      sourceId,
      ['queued', 'crawling', 'ready', 'failed'],
      'crawling',
      startedAt.toISOString(),
    ))
  ) {
    return;
  }
  const deadline = startedAt.getTime() + d.budgetMs;
  // Reading pages stops halfway through the budget, so indexing (embedding) the pages read has time too.
  const readDeadline = startedAt.getTime() + d.budgetMs / 2;
  const start = new URL(source.url);
  const origin = start.origin;
  const skipped: SkippedPage[] = [];
  let skippedCount = 0;
  const errors: string[] = [];
  const skip = (url: string, reason: string) => {
    skippedCount++;
    if (skipped.length < MAX_SKIPPED_LISTED) skipped.push({ url, reason });
  };

  const robotsUrl = `${origin}/robots.txt`;
  let robotsText = '';
  try {
    const r = await d.fetcher.get(robotsUrl);
    if (r.status >= 200 && r.status < 300) robotsText = r.body;
  } catch (error) {
    errors.push(`robots.txt: ${(error as Error).message}`);
  }
  const robots = robotsParser(robotsUrl, robotsText);
  const allowed = (url: string) => robots.isAllowed(url, d.userAgent) !== false;

  const seen = new Set<string>();
  const queue: { url: string; depth: number }[] = [];
  const enqueue = (url: string | undefined, depth: number) => {
    if (!url) return;
    const u = new URL(url);
    if (u.origin !== origin) return;
    const key = u.href;
    if (seen.has(key) || depth > source.maxDepth) return;
    seen.add(key);
    queue.push({ url: key, depth });
  };
  enqueue(start.href, 0);
  for (const url of await sitemapUrls(d, origin, robots.getSitemaps(), errors))
    enqueue(safeUrl(url, origin), 1);

  const canonicals = new Map<string, string>();
  const hashes = new Map<string, string>();
  const indexedUrls = new Set<string>();
  let found = 0;
  let indexed = 0;
  let unchanged = 0;
  let chunks = 0;
  let stoppedEarly: string | undefined;
  /** Pages read and kept, in crawl order (the start page first), indexed once all are read. */
  const read: { url: string; page: ExtractedPage }[] = [];
  const readUrls = new Set<string>();

  const processOne = async (item: { url: string; depth: number }) => {
    if (!allowed(item.url)) return skip(item.url, 'disallowed by robots.txt');
    let page: Awaited<ReturnType<WebFetcher['get']>>;
    try {
      page = await d.fetcher.get(item.url);
    } catch (error) {
      return skip(item.url, (error as Error).message);
    }
    found++;
    if (new URL(page.url).origin !== origin)
      return skip(item.url, `redirected to another site (${page.url})`);
    if (page.url !== item.url) {
      if (!allowed(page.url)) return skip(item.url, 'redirected to a page disallowed by robots.txt');
      if (readUrls.has(page.url)) {
        return skip(item.url, `redirect to ${page.url}, already indexed`);
      }
      seen.add(page.url);
    }
    if (page.status < 200 || page.status >= 300) return skip(item.url, `HTTP ${page.status}`);
    if (page.contentType !== 'text/html' && page.contentType !== 'application/xhtml+xml') {
      return skip(page.url, `not HTML (${page.contentType || 'no content type'})`);
    }
    const extracted = extractPage(page.body, page.url);
    for (const link of extracted.links) enqueue(link, item.depth + 1);
    if (extracted.noindex) return skip(page.url, 'marked noindex');
    const canonical =
      extracted.canonicalUrl && new URL(extracted.canonicalUrl).origin === origin
        ? extracted.canonicalUrl
        : page.url;
    const canonicalOwner = canonicals.get(canonical);
    if (canonicalOwner) return skip(page.url, `duplicate of ${canonicalOwner} (same canonical URL)`);
    if (extracted.blocks.length === 0) return skip(page.url, 'no text');
    const hash = contentHash(extracted);
    const hashOwner = hashes.get(hash);
    if (hashOwner) return skip(page.url, `duplicate of ${hashOwner} (same content)`);
    canonicals.set(canonical, canonical);
    hashes.set(hash, canonical);
    if (read.length >= source.maxPages) {
      stoppedEarly = `stopped at maxPages (${source.maxPages})`;
      return;
    }
    read.push({ url: canonical, page: extracted });
    readUrls.add(canonical);
  };

  const indexOne = async (item: { url: string; page: ExtractedPage }) => {
    if (d.clock.now().getTime() > deadline) {
      stoppedEarly ??= 'stopped at the time limit of one crawl';
      return skip(item.url, 'not indexed: the crawl ran out of time');
    }
    try {
      const result = await d.indexer.indexPage(sourceId, {
        url: item.url,
        title: item.page.title,
        blocks: item.page.blocks,
        ...(item.page.language ? { language: item.page.language } : {}),
      });
      indexedUrls.add(item.url);
      chunks += result.chunks;
      if (result.status === 'indexed') indexed++;
      else unchanged++;
      if (result.removed.length > 0) {
        d.logger.warn('instructions aimed at an AI assistant dropped from a page', {
          sourceId,
          url: item.url,
          sentences: result.removed,
        });
      }
    } catch (error) {
      if (errors.length < MAX_ERRORS_LISTED) errors.push(`${item.url}: ${(error as Error).message}`);
      skip(item.url, 'could not be indexed (see errors)');
    }
  };

  // Breadth-first in waves: every page of one depth before the next, `concurrency` fetches at a time.
  let deleted = false;
  while (queue.length > 0 && !stoppedEarly) {
    if (d.clock.now().getTime() > readDeadline) {
      stoppedEarly = 'stopped at the time limit of one crawl';
      break;
    }
    // Deleted through the API while being crawled: stop instead of indexing pages nobody will see.
    if (!(await d.store.getSource(sourceId))) {
      deleted = true;
      break;
    }
    const wave = queue.splice(0, d.concurrency);
    await Promise.all(wave.map(processOne));
    if (read.length >= source.maxPages && queue.length > 0)
      stoppedEarly = `stopped at maxPages (${source.maxPages})`;
  }
  if (deleted) return forgetDeleted(d, sourceId);
  const cleaned = withoutRepeatedBlocks(read.map((r) => r.page.blocks));
  await forEachLimit(
    read.map((r, i) => ({ url: r.url, page: { ...r.page, blocks: cleaned[i]! } })),
    d.concurrency,
    indexOne,
  );
  if (stoppedEarly) errors.push(stoppedEarly);

  // Pages indexed by an earlier crawl and not found now are gone from the site (or now excluded).
  for (const old of await d.store.listPages(sourceId)) {
    if (!indexedUrls.has(old.url)) await d.store.deletePage(sourceId, old.url);
  }
  const finishedAt = d.clock.now().toISOString();
  const recorded = await d.store.updateSource(sourceId, {
    state: indexedUrls.size > 0 || found > 0 ? 'ready' : 'failed',
    pagesFound: found,
    pagesIndexed: indexed + unchanged,
    pagesUnchanged: unchanged,
    pagesSkipped: skippedCount,
    skipped,
    errors: errors.slice(0, MAX_ERRORS_LISTED),
    chunks,
    crawledAt: finishedAt,
    updatedAt: finishedAt,
  });
  if (!recorded) return forgetDeleted(d, sourceId);
  await d.store.bumpVersion();
  d.logger.info('crawl finished', {
    sourceId,
    url: source.url,
    found,
    indexed,
    unchanged,
    skipped: skippedCount,
    chunks,
    ms: d.clock.now().getTime() - startedAt.getTime(),
  });
}

/**
 * The source was deleted during its crawl. Pages written since the delete would stay behind without a
 * source (never answered from, but stored and paid for): delete them the same way.
 */
async function forgetDeleted(d: CrawlerDeps, sourceId: string): Promise<void> {
  await d.store.deleteSource(sourceId);
  d.logger.info('source deleted during its crawl; the pages written meanwhile were removed', { sourceId });
}

async function sitemapUrls(
  d: CrawlerDeps,
  origin: string,
  declared: string[],
  errors: string[],
): Promise<string[]> {
  const pending = declared.length > 0 ? [...declared] : [`${origin}/sitemap.xml`];
  const pages: string[] = [];
  for (let fetched = 0; pending.length > 0 && fetched < MAX_SITEMAPS; fetched++) {
    const url = pending.shift()!;
    if (new URL(url, origin).origin !== origin) continue;
    try {
      const r = await d.fetcher.get(url);
      if (r.status < 200 || r.status >= 300) continue;
      const parsed = parseSitemap(r.body);
      pages.push(...parsed.pages);
      pending.push(...parsed.sitemaps);
    } catch (error) {
      errors.push(`sitemap ${url}: ${(error as Error).message}`);
    }
  }
  return pages;
}
