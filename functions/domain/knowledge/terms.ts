/**
 * How text becomes search terms, the same for passages and questions: lower case, accents folded, common
 * English words dropped, and a light suffix strip so "returns", "returned" and "returning" meet at "return".
 */

// Words that carry no meaning for retrieval. Question words are here too: "when" or "how" say what kind of
// answer is wanted, not what it is about.
const STOPWORDS = new Set(
  `a about above after again all am an and any are aren't as at be because been before being below between both
but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from
further had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'd i'll i'm
i've if in into is isn't it it's its itself just let's me more most much my myself no nor not of off on once only
or other ought our ours ourselves out over own please same shall she should shouldn't so some such than that
that's the their theirs them themselves then there there's these they they'd they'll they're they've this those
through to too under until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
where's which while who who's whom why why's will with won't would wouldn't you you'd you'll you're you've your
yours yourself yourselves hi hello hey thanks thank tell know want like get got also yes ok okay`.split(
    /\s+/,
  ),
);

export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** A light English stemmer: enough to join plural and tense forms, never more than a few letters. */
export function stem(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ing') && word.length > 5) return undouble(word.slice(0, -3));
  if (word.endsWith('ed') && word.length > 4) return undouble(word.slice(0, -2));
  if (word.endsWith('es') && /(ss|x|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is'))
    return word.slice(0, -1);
  return word;
}

function undouble(w: string): string {
  return /([bdfglmnprt])\1$/.test(w) ? w.slice(0, -1) : w;
}

export function termOf(word: string): string | null {
  const w = normalize(word).replace(/^'+|'+$/g, '');
  if (w.length < 2 || STOPWORDS.has(w)) return null;
  return stem(w.replace(/'s$/, ''));
}

export function tokenize(text: string): string[] {
  return normalize(text).match(/[\p{L}\p{N}][\p{L}\p{N}'’]*/gu) ?? [];
}

export function termsOf(text: string): string[] {
  const out: string[] = [];
  for (const word of tokenize(text)) {
    const t = termOf(word);
    if (t) out.push(t);
  }
  return out;
}
