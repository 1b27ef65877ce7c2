/**
 * Hybrid retrieval over the business's passages: BM25 ranking (MiniSearch) and, when passages carry
 * embeddings, cosine similarity, fused by reciprocal rank.
 *
 * A question is read in its own language (each passage in its page's), as a chat message (shorthand
 * written out), with typos corrected against the words the site itself uses ("insurence" -> "insurance":
 * only a word the site does not have is corrected, to the closest one it has). Passages in the question's
 * language rank first. A follow-up ("and for my son?") is searched together with the message it follows,
 * whose words count half.
 *
 * Each hit gets a relevance in [0, 1] that decides whether the site answers the question at all: the
 * IDF-weighted share of the question's words that the passage contains, where a word the site never uses
 * counts against it at UNKNOWN_WEIGHT of the rarest word's weight (slang or filler the site lacks must not
 * sink a good match, but a question about something the site never mentions scores low), or the cosine
 * similarity when that is higher.
 */
import MiniSearch from 'minisearch';
import { isFollowUp } from './follow-up';
import {
  detectLanguage,
  inDigits,
  isIntent,
  isShorthand,
  type Language,
  passageIntents,
  questionIntents,
} from './languages';
import { questionWords, termOf } from './terms';
import { fold, words } from './text';

export interface Passage {
  readonly id: string;
  readonly sourceId: string;
  readonly url: string;
  readonly title: string;
  readonly heading: string;
  readonly text: string;
  /** Unit-length embedding, when the passage was embedded. */
  readonly vector?: Float32Array;
  /** The language its page is written in; detected from the text when unknown. */
  readonly language?: Language;
  /** A customer's review or comment quoted on the page: not the business's own word. */
  readonly review?: boolean;
}

export interface Hit {
  readonly passage: Passage;
  /** Fused rank score (reciprocal rank fusion); orders the hits. */
  readonly score: number;
  /** How well the passage answers the question, in [0, 1]; compared with the relevance threshold. */
  readonly relevance: number;
  readonly lexical?: number;
  readonly cosine?: number;
}

export interface SearchOptions {
  readonly k: number;
  /** The question's embedding, in the same space and dimensions as the passages'. */
  readonly queryVector?: Float32Array;
  /** The customer's earlier message that the question follows up on; its words count half. */
  readonly context?: string;
  /** The language to take when the question does not tell (the conversation's so far). */
  readonly fallbackLanguage?: Language;
  /** The question's language when the caller already knows it (see languageOf). */
  readonly language?: Language;
}

export interface QueryTerm {
  readonly term: string;
  readonly weight: number;
  /** Whether the site uses the term (or a word it was corrected to). */
  readonly known: boolean;
}

export interface IndexOptions {
  /** How much a word the site never uses weighs against a passage (UNKNOWN_WEIGHT by default). */
  readonly unknownWeight?: number;
}

export interface SearchResult {
  readonly hits: Hit[];
  /** The language the question was read in. */
  readonly language: Language;
  readonly terms: readonly QueryTerm[];
  /** Words of the question taken for a word of the site ("insurence" -> "insurance"). */
  readonly corrections: readonly { readonly from: string; readonly to: string }[];
}

const RRF_K = 60;
const CANDIDATES = 50;
/**
 * A word the site never uses weighs this share of the rarest word's weight against every passage. Chosen
 * with ASSISTANT_MIN_RELEVANCE's default (0.6) by bench/assistant-tune.ts on both fixture sites' labelled
 * questions.
 */
export const UNKNOWN_WEIGHT = 0.75;
/** Ranking weight of a passage in another language than the question's. */
const OTHER_LANGUAGE = 0.35;
/** Weight of the words of the message a follow-up follows. */
const CONTEXT_WEIGHT = 0.5;
/** Weight of the words that name what a question asks for ("price" for "how much"), in ranking only. */
const INTENT_WORD_WEIGHT = 0.3;

interface VocabularyEntry {
  readonly term: string;
  count: number;
}

export class KnowledgeIndex {
  private readonly search_: MiniSearch<{ id: number; title: string; heading: string; text: string }>;
  private readonly df = new Map<string, number>();
  private readonly sortedTerms: string[];
  /** Each word the site uses (accents folded), with its search term: what typos are corrected to. */
  private readonly vocabulary = new Map<string, VocabularyEntry>();
  private readonly byLength = new Map<number, string[]>();
  private readonly passageLanguages: Language[];
  /** The site's languages, most passages first. */
  readonly languages: readonly Language[];
  private readonly hasVectors: boolean;

  private readonly unknownWeight: number;

  constructor(
    readonly passages: readonly Passage[],
    options: IndexOptions = {},
  ) {
    this.unknownWeight = options.unknownWeight ?? UNKNOWN_WEIGHT;
    this.search_ = new MiniSearch({
      fields: ['title', 'heading', 'text'],
      idField: 'id',
      // Documents and queries arrive as terms already (analysed in their own language).
      tokenize: (text) => text.split(' '),
      processTerm: (term) => term || null,
      searchOptions: { boost: { heading: 1.2, title: 1 }, prefix: (t) => t.length >= 5 },
    });
    const counts = new Map<Language, number>();
    this.passageLanguages = passages.map((p) => {
      const language =
        p.language ??
        detectLanguage(`${p.title}\n${p.heading}\n${p.text}`.slice(0, 600), { wordsOnly: true }).language;
      counts.set(language, (counts.get(language) ?? 0) + 1);
      return language;
    });
    this.languages = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([l]) => l);
    const documents = passages.map((p, id) => {
      const language = this.passageLanguages[id]!;
      const fields = [p.title, p.heading, p.text].map((f) => this.learn(f, language));
      fields[2]!.push(...passageIntents(p.text));
      for (const term of new Set(fields.flat())) this.df.set(term, (this.df.get(term) ?? 0) + 1);
      return { id, title: fields[0]!.join(' '), heading: fields[1]!.join(' '), text: fields[2]!.join(' ') };
    });
    this.search_.addAll(documents);
    this.sortedTerms = [...this.df.keys()].sort();
    for (const word of this.vocabulary.keys()) {
      const list = this.byLength.get(word.length) ?? [];
      list.push(word);
      this.byLength.set(word.length, list);
    }
    this.hasVectors = passages.some((p) => p.vector);
  }

  get size(): number {
    return this.passages.length;
  }

  /** The terms of a passage's field, recording each word the site uses for typo correction. */
  private learn(text: string, language: Language): string[] {
    const out: string[] = [];
    for (const word of words(text)) {
      const term = termOf(inDigits(word, language), language);
      if (!term) continue;
      out.push(term);
      const key = fold(word);
      if (key.length < 4 || !/^\p{L}+$/u.test(key)) continue;
      const entry = this.vocabulary.get(key);
      if (entry) entry.count++;
      else this.vocabulary.set(key, { term, count: 1 });
    }
    return out;
  }

  /** Whether a message follows up on the customer's previous one (see follow-up.ts). */
  isFollowUp(message: string, language: Language): boolean {
    return isFollowUp(message, language);
  }

  search(question: string, options: SearchOptions): Hit[] {
    return this.query(question, options).hits;
  }

  query(question: string, options: SearchOptions): SearchResult {
    const language = options.language ?? this.languageOf(question, options.fallbackLanguage);
    const corrections: { from: string; to: string }[] = [];
    // What the question asks for (a price, a time, a phone number), for ranking only: the intent's term,
    // which passages stating one carry, and the words a page about it is titled with ("Prices").
    const intents = questionIntents(question, language);
    const ranking = [
      ...intents.terms.filter((t) => this.df.has(t)).map((term) => ({ term, weight: 1, known: true })),
      ...intents.words.flatMap((w) => {
        const term = termOf(w, language);
        return term && this.df.has(term) ? [{ term, weight: INTENT_WORD_WEIGHT, known: true }] : [];
      }),
    ];
    const terms = mergeTerms([
      ...this.queryTerms(question, language, 1, corrections),
      ...(options.context ? this.queryTerms(options.context, language, CONTEXT_WEIGHT, corrections) : []),
    ]);
    const rankingOnly = new Set(
      ranking.filter((r) => !terms.some((t) => t.term === r.term)).map((r) => r.term),
    );
    const searchedTerms = mergeTerms([...terms, ...ranking]);
    const base = { language, terms, corrections };
    if (this.passages.length === 0) return { ...base, hits: [] };
    const searched = searchedTerms.filter((t) => t.known);
    const lexical = searched.length
      ? this.search_
          .search(searched.map((t) => t.term).join(' '), {
            combineWith: 'OR',
            boostTerm: (_term, i) => searched[i]?.weight ?? 1,
            boostDocument: (id) => (this.passageLanguages[id as number] === language ? 1 : OTHER_LANGUAGE),
          })
          .slice(0, CANDIDATES)
      : [];
    const fused = new Map<number, { score: number; lexical?: number; cosine?: number }>();
    lexical.forEach((r, rank) => {
      fused.set(r.id as number, { score: 1 / (RRF_K + rank + 1), lexical: r.score });
    });
    if (options.queryVector && this.hasVectors) {
      for (const [rank, { id, cosine }] of this.nearest(options.queryVector).entries()) {
        const entry = fused.get(id) ?? { score: 0 };
        entry.score += 1 / (RRF_K + rank + 1);
        entry.cosine = cosine;
        fused.set(id, entry);
      }
    }
    const hits = [...fused.entries()]
      .sort((a, b) => b[1].score - a[1].score)
      .slice(0, options.k)
      .map(([id, entry]): Hit => {
        const passage = this.passages[id]!;
        const cosine =
          entry.cosine ??
          (options.queryVector && passage.vector ? dot(options.queryVector, passage.vector) : undefined);
        const coverage = this.coverage(
          terms.filter((t) => !rankingOnly.has(t.term)),
          id,
          intents.asking,
        );
        return {
          passage,
          score: entry.score,
          relevance: Math.max(coverage, cosine ?? 0),
          ...(entry.lexical !== undefined ? { lexical: entry.lexical } : {}),
          ...(cosine !== undefined ? { cosine } : {}),
        };
      });
    return { ...base, hits };
  }

  /**
   * The question's language: the detector's when it is sure; otherwise, of the detector's guess, the
   * conversation's language and the site's, the one in which most of the question's words are the site's.
   */
  languageOf(question: string, fallback?: Language): Language {
    const detected = detectLanguage(question, { fallback: fallback ?? this.languages[0] ?? 'en' });
    if (detected.confident) return detected.language;
    const candidates = [
      ...new Set([detected.language, ...(fallback ? [fallback] : []), ...this.languages.slice(0, 3)]),
    ];
    let best = detected.language;
    let bestShare = -1;
    for (const language of candidates) {
      const terms = questionWords(question, language).filter((w) => w.term && !/^\d+$/.test(w.term));
      if (terms.length === 0) continue;
      const share = terms.filter((w) => this.knows(w.term!)).length / terms.length;
      if (share > bestShare) {
        best = language;
        bestShare = share;
      }
    }
    return best;
  }

  private queryTerms(
    text: string,
    language: Language,
    weight: number,
    corrections: { from: string; to: string }[],
  ): QueryTerm[] {
    const out: QueryTerm[] = [];
    for (const { word, term } of questionWords(text, language)) {
      if (!term) continue;
      if (this.knows(term)) {
        out.push({ term, weight, known: true });
        continue;
      }
      // A number the site does not mention says little either way.
      if (/^\d+$/.test(term)) continue;
      const corrected = isShorthand(word, language) ? undefined : this.correct(fold(word));
      if (corrected) {
        corrections.push({ from: word, to: corrected.word });
        out.push({ term: corrected.term, weight, known: true });
      } else out.push({ term, weight, known: false });
    }
    return out;
  }

  /** Whether the site uses the term, or (for five letters or more) a longer term that starts with it. */
  private knows(term: string): boolean {
    if (this.df.has(term)) return true;
    if (term.length < 5) return false;
    return this.sortedTerms[lowerBound(this.sortedTerms, term)]?.startsWith(term) ?? false;
  }

  /**
   * The site's word closest to a word it does not use: one edit away for 4 to 7 letters, two from 8
   * (a swap of neighbours is one edit), the same first letter and then the more frequent word preferred.
   */
  private correct(word: string): { word: string; term: string } | undefined {
    if (word.length < 4 || !/^\p{L}+$/u.test(word)) return undefined;
    const max = word.length >= 8 ? 2 : 1;
    let best: { word: string; distance: number; rank: number } | undefined;
    for (let length = word.length - max; length <= word.length + max; length++) {
      for (const candidate of this.byLength.get(length) ?? []) {
        const distance = editDistance(word, candidate, max);
        if (distance > max) continue;
        const rank = (candidate[0] === word[0] ? 1e6 : 0) + this.vocabulary.get(candidate)!.count;
        if (!best || distance < best.distance || (distance === best.distance && rank > best.rank))
          best = { word: candidate, distance, rank };
      }
    }
    return best ? { word: best.word, term: this.vocabulary.get(best.word)!.term } : undefined;
  }

  private idf(term: string): number {
    const n = this.passages.length;
    let df = this.df.get(term);
    if (df === undefined) {
      const at = this.sortedTerms[lowerBound(this.sortedTerms, term)];
      df = at?.startsWith(term) ? (this.df.get(at) ?? 0) : 0;
    }
    return Math.log(1 + (n + 1) / (df + 0.5));
  }

  /**
   * The IDF-weighted share of the question's terms in the passage (see the module's description). A word
   * that asks for what the passage states counts as found ("cost" in a passage with a price).
   */
  private coverage(terms: readonly QueryTerm[], id: number, asking: ReadonlyMap<string, string>): number {
    if (terms.length === 0) return 0;
    const p = this.passages[id]!;
    const language = this.passageLanguages[id]!;
    const present = new Set<string>();
    for (const w of words(`${p.title} ${p.heading} ${p.text}`)) {
      const t = termOf(inDigits(w, language), language);
      if (t) present.add(t);
    }
    for (const intent of passageIntents(p.text)) present.add(intent);
    const rarest = Math.log(1 + (this.passages.length + 1) / 0.5);
    let total = 0;
    let found = 0;
    for (const t of terms) {
      // Intents and bare numbers ("8" meets every "8:00") only rank.
      if (isIntent(t.term) || /^\d+$/.test(t.term)) continue;
      if (!t.known) {
        total += this.unknownWeight * t.weight * rarest;
        continue;
      }
      const idf = this.idf(t.term);
      total += t.weight * idf;
      const intent = asking.get(t.term);
      if (
        present.has(t.term) ||
        (intent && present.has(intent)) ||
        (t.term.length >= 5 && [...present].some((q) => q.startsWith(t.term)))
      )
        found += t.weight * idf;
    }
    return total > 0 ? found / total : 0;
  }

  /** The best CANDIDATES passages by cosine, kept in a small sorted list instead of sorting them all. */
  private nearest(query: Float32Array): { id: number; cosine: number }[] {
    const best: { id: number; cosine: number }[] = [];
    let floor = -Infinity;
    for (let id = 0; id < this.passages.length; id++) {
      const vector = this.passages[id]!.vector;
      if (!vector) continue;
      const cosine = dot(query, vector);
      if (best.length === CANDIDATES && cosine <= floor) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]!.cosine < cosine) at--;
      best.splice(at, 0, { id, cosine });
      if (best.length > CANDIDATES) best.pop();
      floor = best[best.length - 1]!.cosine;
    }
    return best;
  }
}

/** Each term once, with its highest weight (the question's own words outweigh the context's). */
function mergeTerms(terms: readonly QueryTerm[]): QueryTerm[] {
  const byTerm = new Map<string, QueryTerm>();
  for (const t of terms) {
    const seen = byTerm.get(t.term);
    if (!seen || t.weight > seen.weight) byTerm.set(t.term, t);
  }
  return [...byTerm.values()];
}

function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Edit distance with swaps of neighbouring letters (optimal string alignment), stopping above `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let low = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      if (d < low) low = d;
    }
    if (low > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

export function dot(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function unitVector(values: readonly number[] | Float32Array): Float32Array {
  const v = Float32Array.from(values);
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}
