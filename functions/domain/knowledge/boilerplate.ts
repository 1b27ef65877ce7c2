/**
 * Blocks a site repeats on most of its pages (a cookie notice, a call to action, a contact band, the
 * menu of a template without <nav>) are the template's, not the page's: left in, they put the same text
 * into every page's passages and outrank the page that really answers. Found across the pages of one
 * crawl: a block on at least half of them (and three or more) is dropped everywhere but on the first
 * page that has it (the start page, usually), so what it says can still be found once.
 */
import type { TextBlock } from './html';
import { normalize } from './text';

/** Sites with fewer pages than this are too small to tell a template from content. */
export const MIN_PAGES = 4;

const keyOf = (b: TextBlock) => `${b.kind}:${normalize(b.text).replace(/\s+/g, ' ').trim()}`;

/** The keys of the blocks repeated on most pages. */
export function repeatedBlocks(pages: readonly (readonly TextBlock[])[]): Set<string> {
  const repeated = new Set<string>();
  if (pages.length < MIN_PAGES) return repeated;
  const counts = new Map<string, number>();
  for (const blocks of pages) {
    for (const key of new Set(blocks.filter((b) => b.text).map(keyOf)))
      counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const threshold = Math.max(3, Math.ceil(pages.length / 2));
  for (const [key, n] of counts) if (n >= threshold) repeated.add(key);
  return repeated;
}

/**
 * The pages without their repeated blocks, in order; each repeated block stays on the first page that
 * has it. A page left with no text keeps what it had (its content is all template, but it is a page).
 */
export function withoutRepeatedBlocks(pages: readonly (readonly TextBlock[])[]): TextBlock[][] {
  const repeated = repeatedBlocks(pages);
  if (repeated.size === 0) return pages.map((p) => [...p]);
  const kept = new Set<string>();
  return pages.map((blocks) => {
    const out = blocks.filter((b) => {
      if (!b.text) return true;
      const key = keyOf(b);
      if (!repeated.has(key)) return true;
      if (kept.has(key)) return false;
      kept.add(key);
      return true;
    });
    return out.some((b) => b.kind === 'text') ? out : [...blocks];
  });
}
