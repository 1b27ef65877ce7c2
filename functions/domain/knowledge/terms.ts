/**
 * How text becomes search terms, the same for passages and questions: words in lower case, stop words of
 * the text's language dropped, Snowball's stem of the rest with accents folded, so "returns", "returned"
 * and "returning" meet at "return", and "crianças" typed as "criancas" still meets "criança". A question is
 * read as a chat message first: "whats ur address" asks for the "address", "w/o" is "without", "eight" is 8.
 */
import { expandTexting, inDigits, isStopword, type Language, stemOf } from './languages';
import { words } from './text';

export { normalize } from './text';

/** A word's search term in a language, or null for a stop word or a lone letter. */
export function termOf(word: string, language: Language = 'en'): string | null {
  const w = word.replace(/^'+|'+$/g, '');
  if (/^\d+$/.test(w)) return w;
  if (w.length < 2 || isStopword(w, language)) return null;
  const base = language === 'en' ? w.replace(/'s$/, '') : w;
  if (isStopword(base, language)) return null;
  const stem = stemOf(base, language);
  return stem && !isStopword(stem, language) ? stem : null;
}

/** A page's text as search terms (numbers written as words become digits; nothing else is rewritten). */
export function termsOf(text: string, language: Language = 'en'): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    const t = termOf(inDigits(word, language), language);
    if (t) out.push(t);
  }
  return out;
}

/** A customer's message as words, chat shorthand written out; each word's term, null for a stop word. */
export function questionWords(text: string, language: Language): { word: string; term: string | null }[] {
  return expandTexting(text, language).map((word) => ({ word, term: termOf(word, language) }));
}
