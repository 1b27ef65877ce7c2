import type { KnowledgeSource } from '../../ports';

/** A source as first stored: nothing crawled or indexed yet. */
export function newSource(
  id: string,
  now: string,
  fields: Partial<KnowledgeSource> & Pick<KnowledgeSource, 'kind' | 'state'>,
): KnowledgeSource {
  return {
    id,
    maxPages: 0,
    maxDepth: 0,
    pagesFound: 0,
    pagesIndexed: 0,
    pagesUnchanged: 0,
    pagesSkipped: 0,
    skipped: [],
    errors: [],
    chunks: 0,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}
