/**
 * Hybrid retrieval over the business's passages: BM25 ranking (MiniSearch) and, when passages carry
 * embeddings, cosine similarity, fused by reciprocal rank. Each hit also gets a relevance in [0, 1] that
 * decides whether the site answers the question at all: the IDF-weighted share of the question's terms
 * the passage contains, or the cosine similarity when that is higher. A question about something the site
 * never mentions scores low on both, and the assistant hands over instead of guessing.
 */
import MiniSearch from 'minisearch';
import { termOf, termsOf, tokenize } from './terms';

export interface Passage {
  readonly id: string;
  readonly sourceId: string;
  readonly url: string;
  readonly title: string;
  readonly heading: string;
  readonly text: string;
  /** Unit-length embedding, when the passage was embedded. */
  readonly vector?: Float32Array;
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
}

const RRF_K = 60;
const CANDIDATES = 50;

export class KnowledgeIndex {
  private readonly search_: MiniSearch<{ id: number; title: string; heading: string; text: string }>;
  private readonly df = new Map<string, number>();
  private readonly hasVectors: boolean;

  constructor(readonly passages: readonly Passage[]) {
    this.search_ = new MiniSearch({
      fields: ['title', 'heading', 'text'],
      idField: 'id',
      tokenize: (text) => tokenize(text),
      processTerm: (term) => termOf(term),
      searchOptions: { boost: { heading: 1.5, title: 1.2 }, prefix: (t) => t.length >= 5 },
    });
    this.search_.addAll(passages.map((p, id) => ({ id, title: p.title, heading: p.heading, text: p.text })));
    for (const p of passages) {
      for (const term of new Set(termsOf(`${p.title} ${p.heading} ${p.text}`))) {
        this.df.set(term, (this.df.get(term) ?? 0) + 1);
      }
    }
    this.hasVectors = passages.some((p) => p.vector);
  }

  get size(): number {
    return this.passages.length;
  }

  search(question: string, options: SearchOptions): Hit[] {
    const k = options.k;
    if (this.passages.length === 0) return [];
    const queryTerms = [...new Set(termsOf(question))];
    const lexical = queryTerms.length
      ? this.search_.search(queryTerms.join(' '), { combineWith: 'OR' }).slice(0, CANDIDATES)
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
    return [...fused.entries()]
      .sort((a, b) => b[1].score - a[1].score)
      .slice(0, k)
      .map(([id, entry]) => {
        const passage = this.passages[id]!;
        const cosine =
          entry.cosine ??
          (options.queryVector && passage.vector ? dot(options.queryVector, passage.vector) : undefined);
        const coverage = this.coverage(queryTerms, passage);
        return {
          passage,
          score: entry.score,
          relevance: Math.max(coverage, cosine ?? 0),
          ...(entry.lexical !== undefined ? { lexical: entry.lexical } : {}),
          ...(cosine !== undefined ? { cosine } : {}),
        };
      });
  }

  /** The IDF-weighted share of the question's terms found in the passage; unknown terms weigh the most. */
  private coverage(queryTerms: readonly string[], passage: Passage): number {
    if (queryTerms.length === 0) return 0;
    const present = new Set(termsOf(`${passage.title} ${passage.heading} ${passage.text}`));
    const n = this.passages.length;
    let total = 0;
    let found = 0;
    for (const term of queryTerms) {
      const idf = Math.log(1 + (n + 1) / ((this.df.get(term) ?? 0) + 0.5));
      total += idf;
      if (present.has(term) || [...present].some((p) => term.length >= 5 && p.startsWith(term))) found += idf;
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
