/** A source as first stored: nothing crawled or indexed yet. */
export function newSource(
  id: string,
  now: string,
  fields: Partial<KnowledgeSource> & Pick<KnowledgeSource, 'kind' | 'state'>,
): KnowledgeSource {
  return {
    id,
    maxPages: 0,
    maxDepth: 0,
    pagesFound: 0,
    pagesIndexed: 0,
    pagesUnchanged: 0,
    pagesSkipped: 0,
    skipped: [],
    errors: [],
    chunks: 0,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}

export type KnowledgeSourceState = 'queued' | 'crawling' | 'ready' | 'failed';

export interface SkippedPage {
  readonly url: string;
  readonly reason: string;
}

export interface KnowledgeSource {
  readonly id: string;
  readonly kind: 'website' | 'document';
  /** The start URL of a website, or the optional URL a document is cited with. */
  readonly url?: string;
  readonly title?: string;
  readonly maxPages: number;
  readonly maxDepth: number;
  readonly state: KnowledgeSourceState;
  readonly pagesFound: number;
  readonly pagesIndexed: number;
  /** Pages whose content had not changed since the previous crawl (not embedded again). */
  readonly pagesUnchanged: number;
  readonly pagesSkipped: number;
  /** The first skipped pages with their reasons (capped; `pagesSkipped` is the full count). */
  readonly skipped: readonly SkippedPage[];
  readonly errors: readonly string[];
  readonly chunks: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly crawledAt?: string;
}

export interface KnowledgePage {
  readonly sourceId: string;
  readonly url: string;
  readonly title: string;
  readonly contentHash: string;
  readonly chunkCount: number;
  /** The embedding model the chunks were embedded with, if any; a change of model re-embeds. */
  readonly embeddingModel?: string;
  /** The page's language (ISO 639-1), declared or detected. */
  readonly language?: string;
  readonly indexedAt: string;
}

export interface StoredChunk {
  readonly heading: string;
  readonly text: string;
  readonly vector?: Float32Array;
  /** The page's language (ISO 639-1). */
  readonly language?: string;
  /** A customer's review quoted on the page, not the business's word. */
  readonly review?: boolean;
}

export interface CrawlJob {
  readonly sourceId: string;
}
