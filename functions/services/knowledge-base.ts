/**
 * The assistant's memory of the website: every passage loaded into an in-memory index (BM25 + vectors),
 * reloaded only when the store's version number changes, and the ask step shared by the responder and
 * POST /api/knowledge/ask: read the question in the customer's language (with their previous message when
 * it follows up on it), retrieve, decide whether the site answers it, answer or hand over.
 */
import type { PromptPassage, Turn } from '../domain/knowledge/assistant';
import type { Language } from '../domain/knowledge/languages';
import type { Hit, KnowledgeIndex } from '../domain/knowledge/retrieval';
import { withoutInstructions } from '../domain/knowledge/untrusted';
import type { Logger } from '../logger';
import type { Answerer, Embedder, KnowledgeStore } from '../ports';

export interface AssistantSettings {
  /** Passages handed to the answerer. */
  readonly topK: number;
  /** Below this relevance (0-1) for the best passage, the site is taken not to answer the question. */
  readonly minRelevance: number;
  /** The weight of a word the site never uses (retrieval's UNKNOWN_WEIGHT unless tuning says otherwise). */
  readonly unknownWeight?: number;
}

export type HandoffReason =
  | 'no_relevant_passage'
  | 'model_cannot_answer'
  | 'reply_rejected'
  | 'customer_asked';

export interface AskResult {
  readonly answer: string;
  readonly handoff: boolean;
  readonly reason?: HandoffReason;
  /** The customer's language (ISO 639-1), which the reply and the handoff message are in. */
  readonly language: Language;
  /** The relevance of the passage the answer rests on, which the gate compared with the threshold. */
  readonly confidence: number;
  /** Whether the question was read as a follow-up of the customer's previous message. */
  readonly followUp: boolean;
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
      // Retrieval and its language data (stemmers, stop words, the detector) load with the first question,
      // not at every cold start of the api.
      const [passages, { KnowledgeIndex }] = await Promise.all([
        this.store.loadPassages(),
        import('../domain/knowledge/retrieval'),
      ]);
      const index = new KnowledgeIndex(
        passages,
        this.settings.unknownWeight !== undefined ? { unknownWeight: this.settings.unknownWeight } : {},
      );
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

  /** The language of a customer's message, the conversation's earlier messages deciding when it is unclear. */
  async languageOf(text: string, history: readonly Turn[] = []): Promise<Language> {
    const index = await this.index();
    return index.languageOf(text, this.fallbackLanguage(index, history));
  }

  private fallbackLanguage(index: KnowledgeIndex, history: readonly Turn[]): Language {
    const site = index.languages[0] ?? 'en';
    const previous = lastCustomerTurn(history);
    return previous ? index.languageOf(previous, site) : site;
  }

  async retrieve(question: string, history: readonly Turn[] = []) {
    const index = await this.index();
    const language = index.languageOf(question, this.fallbackLanguage(index, history));
    const previous = lastCustomerTurn(history);
    const followUp = previous !== undefined && index.isFollowUp(question, language);
    const searched = followUp ? `${previous}\n${question}` : question;
    const queryVector =
      this.embedder && index.size > 0 ? (await this.embedder.embed([searched]))[0] : undefined;
    const result = index.query(question, {
      k: this.settings.topK,
      language,
      ...(followUp ? { context: previous } : {}),
      ...(queryVector ? { queryVector } : {}),
    });
    return { ...result, followUp };
  }

  async ask(question: string, history: readonly Turn[] = []): Promise<AskResult> {
    const { hits, language, followUp } = await this.retrieve(question, history);
    const min = this.settings.minRelevance;
    // The gate looks at the best-ranked passage, which the answer rests on: falling back to a lower-ranked
    // one that scores higher answered more questions the site does not answer, for no more right answers.
    const best = hits[0];
    const confidence = round(best?.relevance ?? 0);
    const passages = hits.map((h) => ({
      url: h.passage.url,
      title: h.passage.title,
      heading: h.passage.heading,
      text: h.passage.text,
      score: round(h.score),
      relevance: round(h.relevance),
    }));
    const base = { passages, answeredBy: this.answerer.kind, language, confidence, followUp };
    if (!best || best.relevance < min)
      return { ...base, answer: '', handoff: true, reason: 'no_relevant_passage' };
    // The passage the answer rests on leads (the excerpt answerer quotes it), then the others that pass.
    const chosen = [best, ...hits.filter((h) => h !== best && h.relevance >= min)];
    const ordered = chosen.flatMap((h) => this.untrusted(h));
    if (ordered.length === 0) return { ...base, answer: '', handoff: true, reason: 'no_relevant_passage' };
    const reply = await this.answerer.answer({ question, passages: ordered, history, language });
    if (reply.handoff) {
      const reason = reply.problem === 'off_site_link' ? 'reply_rejected' : 'model_cannot_answer';
      if (reply.problem && reply.problem !== 'cannot_answer')
        this.logger.warn('assistant: the model reply was not sent', { problem: reply.problem });
      return { ...base, answer: '', handoff: true, reason };
    }
    return { ...base, answer: reply.text, handoff: false };
  }

  /**
   * A passage as it may reach a customer or a model: sentences aimed at an AI or asking for card numbers
   * are dropped (the indexer drops them too; this covers passages stored before it did).
   */
  private untrusted(hit: Hit): PromptPassage[] {
    const p = hit.passage;
    const { text, removed } = withoutInstructions(p.text);
    if (removed.length > 0)
      this.logger.warn('planted instructions dropped from a passage', { url: p.url, sentences: removed });
    if (!text.trim()) return [];
    return [{ url: p.url, title: p.title, heading: p.heading, text, ...(p.review ? { review: true } : {}) }];
  }
}

function lastCustomerTurn(history: readonly Turn[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]!.role === 'customer' && history[i]!.text.trim()) return history[i]!.text;
  }
  return undefined;
}

const round = (n: number) => Math.round(n * 1000) / 1000;
