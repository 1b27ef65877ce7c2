/**
 * The knowledge store in memory, for unit tests of the crawler and the knowledge base and for the
 * assistant's tuning script: the same contract as the DynamoDB store, without a table.
 */

import { isLanguage } from '../../functions/domain/knowledge/language-codes';
import type { Passage } from '../../functions/domain/knowledge/retrieval';
import type {
  KnowledgePage,
  KnowledgeSource,
  KnowledgeSourceState,
  StoredChunk,
} from '../../functions/domain/knowledge/source';
import type { KnowledgeStore, WebFetcher } from '../../functions/ports';

export class MemoryKnowledgeStore implements KnowledgeStore {
  readonly sources = new Map<string, KnowledgeSource>();
  readonly pages = new Map<string, { page: KnowledgePage; chunks: readonly StoredChunk[] }>();
  private v = 0;

  async createSource(source: KnowledgeSource): Promise<void> {
    this.sources.set(source.id, source);
  }
  async getSource(id: string) {
    return this.sources.get(id);
  }
  async listSources() {
    return [...this.sources.values()].reverse();
  }
  async updateSource(id: string, patch: Partial<KnowledgeSource>): Promise<boolean> {
    const s = this.sources.get(id);
    if (!s) return false;
    this.sources.set(id, { ...s, ...patch });
    return true;
  }
  async transitionSource(
    id: string,
    from: readonly KnowledgeSourceState[],
    to: KnowledgeSourceState,
    at: string,
  ): Promise<boolean> {
    const s = this.sources.get(id);
    if (!s || !from.includes(s.state)) return false;
    this.sources.set(id, { ...s, state: to, updatedAt: at });
    return true;
  }
  async deleteSource(id: string): Promise<void> {
    this.sources.delete(id);
    for (const key of [...this.pages.keys()]) if (key.startsWith(`${id} `)) this.pages.delete(key);
  }
  async getPage(sourceId: string, url: string) {
    return this.pages.get(`${sourceId} ${url}`)?.page;
  }
  async listPages(sourceId: string) {
    return [...this.pages.values()].filter((p) => p.page.sourceId === sourceId).map((p) => p.page);
  }
  async putPage(page: KnowledgePage, chunks: readonly StoredChunk[]): Promise<void> {
    this.pages.set(`${page.sourceId} ${page.url}`, { page: { ...page, chunkCount: chunks.length }, chunks });
  }
  async deletePage(sourceId: string, url: string): Promise<void> {
    this.pages.delete(`${sourceId} ${url}`);
  }
  async loadPassages(): Promise<Passage[]> {
    return [...this.pages.values()].flatMap(({ page, chunks }) =>
      chunks.map((c, n) => ({
        id: `${page.sourceId}:${page.url}#${n}`,
        sourceId: page.sourceId,
        url: page.url,
        title: page.title,
        heading: c.heading,
        text: c.text,
        ...(c.language && isLanguage(c.language) ? { language: c.language } : {}),
        ...(c.review ? { review: true } : {}),
        ...(c.vector ? { vector: c.vector } : {}),
      })),
    );
  }
  async version() {
    return this.v;
  }
  async bumpVersion() {
    return ++this.v;
  }
}

/** Fetches over plain HTTP (for fixture sites on loopback): no address checks, no size cap. */
export const plainFetcher: WebFetcher = {
  async get(url: string) {
    const res = await fetch(url, { redirect: 'follow' });
    return {
      url: res.url,
      status: res.status,
      contentType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(),
      body: await res.text(),
    };
  },
};
