/**
 * Opt-out and opt-in keywords. Only a message that is exactly a keyword counts (any case, surrounding
 * spaces and punctuation ignored): "stop" opts out, "don't stop" or "stop it please" do not.
 */
export type KeywordIntent = 'opt_out' | 'opt_out_marketing' | 'opt_in';

const DEFAULT_KEYWORDS: Record<string, KeywordIntent> = {
  stop: 'opt_out',
  unsubscribe: 'opt_out',
  'stop all': 'opt_out',
  'opt out': 'opt_out',
  'stop promotions': 'opt_out_marketing',
  start: 'opt_in',
  unstop: 'opt_in',
  'resume promotions': 'opt_in',
};

export function normalizeKeyword(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/^[\s\p{P}\p{S}]+|[\s\p{P}\p{S}]+$/gu, '')
    .replace(/\s+/g, ' ');
}

export function keywordIntent(text: string, extraOptOut: readonly string[] = []): KeywordIntent | undefined {
  const key = normalizeKeyword(text);
  if (key === '') return undefined;
  if (extraOptOut.some((k) => normalizeKeyword(k) === key)) return 'opt_out';
  return DEFAULT_KEYWORDS[key];
}
