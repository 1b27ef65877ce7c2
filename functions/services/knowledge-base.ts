/**
 * The assistant's memory of the website: every passage loaded into an in-memory index (BM25 + vectors),
 * reloaded only when the store's version number changes, and the ask step shared by the responder and
 * POST /api/knowledge/ask: retrieve, decide whether anything is relevant, answer or hand over.
 */
import type { PromptPassage, Turn } from '../domain/knowledge/assistant';
import { type Hit, KnowledgeIndex } from '../domain/knowledge/retrieval';
import type { Logger } from '../logger';
import type { Answerer, Embedder, KnowledgeStore } from '../ports';

export interface AssistantSettings {
  /** Passages handed to the answerer. */
  readonly topK: number;
  /** Below this relevance (0-1) for the best passage, the site is taken not to answer the question. */
  readonly minRelevance: number;
}

export type HandoffReason = 'no_relevant_passage' | 'model_cannot_answer' | 'customer_asked';

export interface AskResult {
  readonly answer: string;
  readonly handoff: boolean;
  readonly reason?: HandoffReason;
  readonly passages: readonly {
    readonly url: string;
    readonly title: string;
    readonly heading: string;
    readonly text: string;
    readonly score: number;
    readonly relevance: number;
  }[];
  readonly answeredBy: 'model' | 'excerpt';
}

export class KnowledgeBase {
  private cached?: { version: number; index: KnowledgeIndex };
  private loading?: Promise<{ version: number; index: KnowledgeIndex }>;

  constructor(
    private readonly store: KnowledgeStore,
    private readonly embedder: Embedder | undefined,
    private readonly answerer: Answerer,
    private readonly settings: AssistantSettings,
    private readonly logger: Logger,
  ) {}

  /** The index, reloaded when a crawl, document or delete changed the passages since it was built. */
  async index(): Promise<KnowledgeIndex> {
    const version = await this.store.version();
    if (this.cached && this.cached.version === version) return this.cached.index;
    this.loading ??= (async () => {
      const started = Date.now();
      const passages = await this.store.loadPassages();
      const index = new KnowledgeIndex(passages);
      this.logger.info('knowledge index loaded', {
        passages: passages.length,
        version,
        ms: Date.now() - started,
      });
      return { version, index };
    })().finally(() => {
      this.loading = undefined;
    });
    this.cached = await this.loading;
    return this.cached.index;
  }

  async retrieve(question: string): Promise<Hit[]> {
    const index = await this.index();
    if (index.size === 0) return [];
    const queryVector = this.embedder ? (await this.embedder.embed([question]))[0] : undefined;
    return index.search(question, { k: this.settings.topK, ...(queryVector ? { queryVector } : {}) });
  }

  async ask(question: string, history: readonly Turn[] = []): Promise<AskResult> {
    const hits = await this.retrieve(question);
    const relevant = hits.filter((h) => h.relevance >= this.settings.minRelevance);
    const passages = hits.map((h) => ({
      url: h.passage.url,
      title: h.passage.title,
      heading: h.passage.heading,
      text: h.passage.text,
      score: round(h.score),
      relevance: round(h.relevance),
    }));
    const base = { passages, answeredBy: this.answerer.kind };
    if (relevant.length === 0) return { ...base, answer: '', handoff: true, reason: 'no_relevant_passage' };
    // The most relevant passage leads: the excerpt answerer quotes it, the model reads it first.
    const ordered: PromptPassage[] = [...relevant]
      .sort((a, b) => b.relevance - a.relevance || b.score - a.score)
      .map((h) => h.passage);
    const reply = await this.answerer.answer({ question, passages: ordered, history });
    if (reply.handoff) return { ...base, answer: '', handoff: true, reason: 'model_cannot_answer' };
    return { ...base, answer: reply.text, handoff: false };
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;
