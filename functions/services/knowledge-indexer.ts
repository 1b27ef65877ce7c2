/**
 * Stores a page's passages (and embeddings), skipping pages whose content has not changed. Sentences
 * planted for AI assistants (or asking customers for card numbers) never reach a passage, and a review
 * that carried one is dropped whole; each passage records its page's language and whether it is a
 * customer's review.
 */
import { createHash } from 'node:crypto';
import { chunkBlocks } from '../domain/knowledge/chunk';
import type { TextBlock } from '../domain/knowledge/html';
import type { Language } from '../domain/knowledge/language-codes';
import { detectLanguage } from '../domain/knowledge/languages';
import { withoutInstructions } from '../domain/knowledge/untrusted';
import type { Clock, Embedder, KnowledgeStore } from '../ports';

export interface PageContent {
  readonly url: string;
  readonly title: string;
  readonly blocks: readonly TextBlock[];
  /** The page's declared language (`<html lang>`); detected from its text when absent. */
  readonly language?: Language;
}

export function contentHash(page: Pick<PageContent, 'title' | 'blocks'>): string {
  const h = createHash('sha256').update(page.title);
  for (const b of page.blocks) h.update(`\n${b.kind}:${b.review ? 'r:' : ''}${b.text}`);
  return h.digest('hex');
}

/** The blocks without planted sentences, and what was removed (for the log, with the page). */
export function withoutPlanted(blocks: readonly TextBlock[]): { blocks: TextBlock[]; removed: string[] } {
  const removed: string[] = [];
  const out: TextBlock[] = [];
  for (const block of blocks) {
    const cleaned = withoutInstructions(block.text);
    if (cleaned.removed.length === 0) {
      out.push(block);
      continue;
    }
    removed.push(...cleaned.removed);
    // A review that speaks to an AI is not a review: none of it is kept.
    if (block.review || !cleaned.text) continue;
    out.push({ ...block, text: cleaned.text });
  }
  return { blocks: out, removed };
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
  ): Promise<{ status: 'indexed' | 'unchanged'; chunks: number; removed: string[] }> {
    const { blocks, removed } = withoutPlanted(page.blocks);
    const hash = contentHash({ title: page.title, blocks });
    const existing = await this.store.getPage(sourceId, page.url);
    if (existing && existing.contentHash === hash && existing.embeddingModel === this.embedder?.model) {
      return { status: 'unchanged', chunks: existing.chunkCount, removed };
    }
    const language =
      page.language ??
      detectLanguage([page.title, ...blocks.map((b) => b.text)].join('\n').slice(0, 2000)).language;
    const chunks = chunkBlocks(blocks);
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
        language,
        ...(this.embedder ? { embeddingModel: this.embedder.model } : {}),
        indexedAt: this.clock.now().toISOString(),
      },
      chunks.map((c, i) => ({
        heading: c.heading,
        text: c.text,
        language,
        ...(c.review ? { review: true } : {}),
        ...(vectors ? { vector: vectors[i]! } : {}),
      })),
    );
    return { status: 'indexed', chunks: chunks.length, removed };
  }
}
