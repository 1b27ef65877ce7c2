/**
 * Splits a page into passages of a few hundred tokens for retrieval. Splits fall on heading and paragraph
 * boundaries; a passage carries the heading it sits under, and the next passage of the same section
 * repeats the end of the previous one so an answer spanning the boundary is still found whole.
 */
import type { TextBlock } from './html';

export interface ChunkOptions {
  /** Aim for passages of about this many tokens (estimated as characters / 4). */
  readonly targetTokens: number;
  /** Never exceed this; a longer paragraph is split at sentence boundaries. */
  readonly maxTokens: number;
  /** Tokens of the previous passage repeated at the start of the next one in the same section. */
  readonly overlapTokens: number;
}

export const DEFAULT_CHUNKING: ChunkOptions = { targetTokens: 300, maxTokens: 450, overlapTokens: 50 };

export interface Chunk {
  /** The heading path the passage sits under ("Returns > Refunds"), empty before the first heading. */
  readonly heading: string;
  readonly text: string;
  /** Customers' words (reviews, comments): never mixed with the business's own text in one passage. */
  readonly review?: boolean;
}

export const estimateTokens = (text: string) => Math.ceil(text.length / 4);

export function chunkBlocks(blocks: readonly TextBlock[], options: ChunkOptions = DEFAULT_CHUNKING): Chunk[] {
  const chunks: Chunk[] = [];
  const path: { level: number; text: string }[] = [];
  let parts: string[] = [];
  let tokens = 0;
  let overlap = '';
  let review = false;

  const heading = () => path.map((h) => h.text).join(' > ');
  const emit = (keepOverlap: boolean) => {
    if (parts.length === 0) return;
    const text = parts.join('\n');
    chunks.push({ heading: heading(), text, ...(review ? { review: true } : {}) });
    overlap = keepOverlap ? tail(text, options.overlapTokens * 4) : '';
    parts = [];
    tokens = 0;
  };
  const add = (text: string) => {
    const t = estimateTokens(text);
    if (tokens > 0 && tokens + t > options.targetTokens) emit(true);
    if (parts.length === 0 && overlap) {
      parts.push(overlap);
      tokens = estimateTokens(overlap);
      overlap = '';
    }
    parts.push(text);
    tokens += t;
  };

  for (const block of blocks) {
    if (block.kind === 'heading') {
      emit(false);
      const level = block.level ?? 2;
      while (path.length > 0 && path[path.length - 1]!.level >= level) path.pop();
      // An empty heading only closes the sections at its level (the end of an FAQ answer).
      if (block.text) path.push({ level, text: block.text });
      continue;
    }
    if (Boolean(block.review) !== review) {
      emit(false);
      review = Boolean(block.review);
    }
    for (const piece of splitLong(block.text, options.maxTokens)) add(piece);
  }
  emit(false);
  return chunks;
}

/** A paragraph longer than the limit, cut at sentence ends (or at spaces if a sentence is itself too long). */
function splitLong(text: string, maxTokens: number): string[] {
  if (estimateTokens(text) <= maxTokens) return [text];
  const maxChars = maxTokens * 4;
  const sentences = text.match(/[^.!?]+[.!?]+["')\]]*\s*|[^.!?]+$/g) ?? [text];
  const out: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    if (current && current.length + sentence.length > maxChars) {
      out.push(current.trim());
      current = '';
    }
    if (sentence.length > maxChars) {
      for (let i = 0; i < sentence.length; i += maxChars) out.push(sentence.slice(i, i + maxChars).trim());
    } else current += sentence;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** The last `chars` characters, starting at a word boundary. */
function tail(text: string, chars: number): string {
  if (chars <= 0) return '';
  if (text.length <= chars) return text;

  const cut = text.slice(-chars);
  const space = cut.indexOf(' ');
  return `…${space >= 0 ? cut.slice(space + 1) : cut}`;
}
