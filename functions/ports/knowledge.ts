/** The assistant's knowledge: sources and passages, crawling, embeddings, answers and web fetches. */
import type {
  CrawlJob,
  KnowledgePage,
  KnowledgeSource,
  KnowledgeSourceState,
  StoredChunk,
} from '../domain/knowledge/source';

export interface KnowledgeStore {
  createSource(source: KnowledgeSource): Promise<void>;
  getSource(id: string): Promise<KnowledgeSource | undefined>;
  listSources(): Promise<KnowledgeSource[]>;
  /** False when the source no longer exists (deleted meanwhile); nothing is written then. */
  updateSource(
    id: string,
    patch: Partial<Omit<KnowledgeSource, 'id' | 'kind' | 'createdAt'>>,
  ): Promise<boolean>;

  /** Moves a source to `to` only from one of `from`; false when it was in another state. */
  transitionSource(
    id: string,
    from: readonly KnowledgeSourceState[],
    to: KnowledgeSourceState,
    at: string,
  ): Promise<boolean>;
  /** Deletes the source with every page and passage of it. */
  deleteSource(id: string): Promise<void>;
  getPage(sourceId: string, url: string): Promise<KnowledgePage | undefined>;
  listPages(sourceId: string): Promise<KnowledgePage[]>;
  /** Replaces a page's passages (and removes those a shorter new version no longer has). */
  putPage(page: KnowledgePage, chunks: readonly StoredChunk[]): Promise<void>;
  deletePage(sourceId: string, url: string): Promise<void>;
  /** Every passage of every source, for the in-memory retrieval index. */
  loadPassages(): Promise<import('../domain/knowledge/retrieval').Passage[]>;
  /** A number that changes whenever any passage changes, so caches know when to reload. */
  version(): Promise<number>;
  bumpVersion(): Promise<number>;
}

export interface CrawlQueue {
  send(job: CrawlJob): Promise<void>;
}

export interface Embedder {
  readonly model: string;
  /** Unit-length vectors, one per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export interface AnswerInput {
  readonly question: string;
  readonly passages: readonly import('../domain/knowledge/assistant').PromptPassage[];
  readonly history: readonly import('../domain/knowledge/assistant').Turn[];
  /** The customer's language (ISO 639-1), for the reply and the assistant's own words. */
  readonly language?: string;
}

export interface Answerer {
  /** `model` for a language model, `excerpt` for the offline reply quoting the best passage. */
  readonly kind: 'model' | 'excerpt';
  answer(input: AnswerInput): Promise<{
    readonly handoff: boolean;
    readonly text: string;
    /** Why a reply was not sent (the model said it cannot answer, refused, linked off the site...). */
    readonly problem?: import('../domain/knowledge/assistant').ReplyProblem;
  }>;
}

export interface FetchedPage {
  /** The URL after redirects. */
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Fetches a public web page; refuses private addresses, oversized bodies and slow servers. */
export interface WebFetcher {
  get(url: string): Promise<FetchedPage>;
}
