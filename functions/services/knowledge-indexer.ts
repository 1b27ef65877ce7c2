/** Stores a page's passages (and embeddings), skipping pages whose content has not changed. */
import { createHash } from 'node:crypto';
import { chunkBlocks } from '../domain/knowledge/chunk';
import type { TextBlock } from '../domain/knowledge/html';
import type { Clock, Embedder, KnowledgeStore } from '../ports';

export interface PageContent {
  readonly url: string;
  readonly title: string;
  readonly blocks: readonly TextBlock[];
}

export function contentHash(page: Pick<PageContent, 'title' | 'blocks'>): string {
  const h = createHash('sha256').update(page.title);
  for (const b of page.blocks) h.update(`\n${b.kind}:${b.text}`);
  return h.digest('hex');
}

export class KnowledgeIndexer {
  constructor(
    private readonly store: KnowledgeStore,
    private readonly embedder: Embedder | undefined,
    private readonly clock: Clock,
  ) {}

  async indexPage(
    sourceId: string,
    page: PageContent,
  ): Promise<{ status: 'indexed' | 'unchanged'; chunks: number }> {
    const hash = contentHash(page);
    const existing = await this.store.getPage(sourceId, page.url);
    if (existing && existing.contentHash === hash && existing.embeddingModel === this.embedder?.model) {
      return { status: 'unchanged', chunks: existing.chunkCount };
    }
    const chunks = chunkBlocks(page.blocks);
    const vectors = this.embedder
      ? await this.embedder.embed(
          chunks.map((c) => [page.title, c.heading, c.text].filter(Boolean).join('\n')),
        )
      : undefined;
    await this.store.putPage(
      {
        sourceId,
        url: page.url,
        title: page.title,
        contentHash: hash,
        chunkCount: chunks.length,
        ...(this.embedder ? { embeddingModel: this.embedder.model } : {}),
        indexedAt: this.clock.now().toISOString(),
      },
      chunks.map((c, i) => ({
        heading: c.heading,
        text: c.text,
        ...(vectors ? { vector: vectors[i]! } : {}),
      })),
    );
    return { status: 'indexed', chunks: chunks.length };
  }
}
