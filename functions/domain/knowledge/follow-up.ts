/**
 * Whether a customer's message follows up on their previous one ("and for my son?", "how much is it",
 * "e o clareamento?"): then it is searched together with that message. A follow-up starts with "and",
 * "what about" and the like, or says almost nothing of its own besides a word pointing back ("it",
 * "that", "isso", "eso").
 */
import { expandTexting, type Language } from './languages';
import { termOf } from './terms';
import { fold } from './text';

const OPENERS: Record<Language, readonly string[]> = {
  en: ['and', 'what about', 'how about', 'also', 'or', 'but', 'same for', 'then'],
  pt: ['e', 'e o', 'e a', 'e se', 'e pra', 'e para', 'mas', 'tambem', 'ou', 'entao'],
  es: ['y', 'y el', 'y la', 'y si', 'y para', 'pero', 'tambien', 'o', 'entonces', 'e'],
  de: ['und', 'aber', 'auch', 'oder', 'und was', 'wie ist es mit'],
  fr: ['et', 'mais', 'aussi', 'ou', 'et pour', 'et si'],
  it: ['e', 'ma', 'anche', 'o', 'e per', 'e se'],
  nl: ['en', 'maar', 'ook', 'of', 'en voor', 'en als'],
  id: ['dan', 'tapi', 'juga', 'atau', 'kalau', 'bagaimana dengan'],
  tr: ['peki', 've', 'ya', 'ayrica', 'bir de'],
};

const POINTERS: Record<Language, readonly string[]> = {
  en: ['it', 'that', 'this', 'those', 'these', 'them', 'they', 'there', 'one', 'ones', 'same'],
  pt: ['isso', 'isto', 'esse', 'essa', 'este', 'esta', 'ele', 'ela', 'eles', 'elas', 'la', 'ai', 'mesmo'],
  es: [
    'eso',
    'esto',
    'ese',
    'esa',
    'este',
    'esta',
    'ello',
    'el',
    'ella',
    'ellos',
    'alli',
    'alla',
    'ahi',
    'mismo',
  ],
  de: ['es', 'das', 'dies', 'dort', 'dafur', 'davon'],
  fr: ['ca', 'cela', 'ce', 'le', 'la', 'les', 'y', 'en'],
  it: ['questo', 'quello', 'lo', 'la', 'li', 'ci', 'ne'],
  nl: ['het', 'dat', 'dit', 'die', 'daar', 'ervan'],
  id: ['itu', 'ini', 'sana', 'tersebut'],
  tr: ['bu', 'o', 'şu', 'onu', 'bunu', 'orada'],
};

export function isFollowUp(message: string, language: Language): boolean {
  const words = expandTexting(message, language).map(fold);
  if (words.length === 0) return false;
  const opening = words.slice(0, 3).join(' ');
  if (words.length <= 14 && OPENERS[language].some((o) => opening === o || opening.startsWith(`${o} `)))
    return true;
  const own = words.filter((w) => termOf(w, language) !== null && !/^\d+$/.test(w));
  if (own.length === 0) return true;
  return own.length <= 2 && words.some((w) => POINTERS[language].includes(w));
}
