/**
 * The languages the assistant reads: WhatsApp's large markets (English, Portuguese, Spanish, German,
 * French, Italian, Dutch, Indonesian, Turkish). For each, Snowball's stemmer and stop words (Orama's
 * ports), the way people abbreviate words in chat messages, and numbers written as words; and a detector
 * for a customer's message (tinyld's light model, which knows these languages, steadied for short
 * messages by the stop words and chat abbreviations each language has).
 */

import { stemmer as stemNl } from '@orama/stemmers/dutch';
import { stemmer as stemEn } from '@orama/stemmers/english';
import { stemmer as stemFr } from '@orama/stemmers/french';
import { stemmer as stemDe } from '@orama/stemmers/german';
import { stemmer as stemId } from '@orama/stemmers/indonesian';
import { stemmer as stemIt } from '@orama/stemmers/italian';
import { stemmer as stemPt } from '@orama/stemmers/portuguese';
import { stemmer as stemEs } from '@orama/stemmers/spanish';
import { stemmer as stemTr } from '@orama/stemmers/turkish';
import { stopwords as stopNl } from '@orama/stopwords/dutch';
import { stopwords as stopEn } from '@orama/stopwords/english';
import { stopwords as stopFr } from '@orama/stopwords/french';
import { stopwords as stopDe } from '@orama/stopwords/german';
import { stopwords as stopId } from '@orama/stopwords/indonesian';
import { stopwords as stopIt } from '@orama/stopwords/italian';
import { stopwords as stopPt } from '@orama/stopwords/portuguese';
import { stopwords as stopEs } from '@orama/stopwords/spanish';
import { stopwords as stopTr } from '@orama/stopwords/turkish';
import { detectAll } from 'tinyld/light';
import { LANGUAGES, type Language } from './language-codes';
import { fold, words } from './text';

export { isLanguage, LANGUAGES, type Language, languageOfTag } from './language-codes';

const STEMMERS: Record<Language, (word: string) => string> = {
  en: stemEn,
  pt: stemPt,
  es: stemEs,
  de: stemDe,
  fr: stemFr,
  it: stemIt,
  nl: stemNl,
  id: stemId,
  tr: stemTr,
};

/**
 * Words that say what kind of answer is wanted, greetings and politeness, on top of Snowball's lists:
 * "when", "how much" or "please" say nothing about what a question is about.
 */
const EXTRA_STOPWORDS: Record<Language, string> = {
  en: `about also anyone anything can could get got hello hey hi how ok okay please know like much many tell thank thanks want wanted
wondering would yes yeah hiya morning evening afternoon good need does there here just really still able`,
  pt: `oi olá ola bom boa dia tarde noite tudo bem obrigado obrigada por favor gostaria queria quero saber quanto quanta
quantos quantas onde como quando qual quais vocês voces você voce vcs vc pra pro tem têm ter posso pode podem alguém alguem
sim ok aí ai aqui então entao também tambem`,
  es: `hola buenos buenas días dias tardes noches gracias por favor quisiera quiero queria quería saber cuánto cuanto
cuánta cuanta cuántos cuantos dónde donde cómo como cuándo cuando cuál cual cuáles qué que tienen tiene puedo pueden
alguien sí si ok aquí aqui ustedes usted`,
  de: 'hallo guten tag morgen abend danke bitte wie viel wann wo was welche welcher können kann gibt möchte ihr sie',
  fr: "bonjour salut merci s'il plaît plait combien quand où ou comment quel quelle quels quelles est-ce vous pouvez peut",
  it: 'ciao buongiorno buonasera grazie per favore quanto quanta quando dove come quale quali potete può posso',
  nl: 'hallo hoi goedemorgen dank bedankt alstublieft hoeveel wanneer waar hoe welke kunnen kan jullie',
  id: 'halo hai selamat pagi siang sore malam terima kasih tolong berapa kapan dimana mana bagaimana apakah bisa',
  tr: 'merhaba selam teşekkür teşekkürler lütfen ne kadar zaman nerede nasıl hangi mi mı mu mü var',
};

const SNOWBALL_STOPWORDS: Record<Language, readonly string[]> = {
  en: stopEn,
  pt: stopPt,
  es: stopEs,
  de: stopDe,
  fr: stopFr,
  it: stopIt,
  nl: stopNl,
  id: stopId,
  tr: stopTr,
};

/** Stop words by language, accents folded (questions are often typed without them). */
const STOPWORDS = Object.fromEntries(
  LANGUAGES.map((l) => [
    l,
    new Set([...SNOWBALL_STOPWORDS[l], ...EXTRA_STOPWORDS[l].split(/\s+/)].map((w) => fold(w.toLowerCase()))),
  ]),
) as unknown as Record<Language, ReadonlySet<string>>;

export const isStopword = (word: string, language: Language) => STOPWORDS[language].has(fold(word));

const STEM_CACHE = new Map<string, string>();
/** Snowball's stem of a word (in lower case, with its accents), accents folded afterwards. Memoised. */
export function stemOf(word: string, language: Language): string {
  const key = `${language}:${word}`;
  let stem = STEM_CACHE.get(key);
  if (stem === undefined) {
    stem = fold(STEMMERS[language](word));
    // A site's vocabulary is a few tens of thousands of words; past that, start again rather than grow.
    if (STEM_CACHE.size > 100_000) STEM_CACHE.clear();
    STEM_CACHE.set(key, stem);
  }
  return stem;
}

/**
 * How people shorten words in chat messages, by language: each key (accents folded) stands for the words
 * after it. Only whole words are replaced; "w/o" and the like are handled before words are split.
 */
const TEXTING: Record<Language, Record<string, string>> = {
  en: {
    u: 'you',
    ya: 'you',
    ur: 'your',
    urs: 'yours',
    r: 'are',
    pls: 'please',
    plz: 'please',
    thx: 'thanks',
    thnx: 'thanks',
    ty: 'thanks',
    tmrw: 'tomorrow',
    tmr: 'tomorrow',
    tmrow: 'tomorrow',
    '2moro': 'tomorrow',
    '2day': 'today',
    tonite: 'tonight',
    nite: 'night',
    ppl: 'people',
    wat: 'what',
    wut: 'what',
    wht: 'what',
    whats: 'what is',
    wats: 'what is',
    hw: 'how',
    hows: 'how is',
    wen: 'when',
    whr: 'where',
    wheres: 'where is',
    cuz: 'because',
    coz: 'because',
    bc: 'because',
    abt: 'about',
    appt: 'appointment',
    appts: 'appointments',
    hrs: 'hours',
    hr: 'hour',
    mins: 'minutes',
    info: 'information',
    im: 'i am',
    ive: 'i have',
    dont: 'do not',
    doesnt: 'does not',
    cant: 'cannot',
    wont: 'will not',
    isnt: 'is not',
    wanna: 'want to',
    gonna: 'going to',
    n: 'and',
    b4: 'before',
    yr: 'year',
    yrs: 'years',
    yo: 'year old',
    thru: 'through',
    msg: 'message',
    num: 'number',
    addy: 'address',
    addr: 'address',
    shud: 'should',
    cud: 'could',
    wud: 'would',
    sat: 'saturday',
    sun: 'sunday',
    mon: 'monday',
    tue: 'tuesday',
    tues: 'tuesday',
    wed: 'wednesday',
    thu: 'thursday',
    thur: 'thursday',
    thurs: 'thursday',
    fri: 'friday',
  },
  pt: {
    vc: 'você',
    vcs: 'vocês',
    q: 'que',
    oq: 'o que',
    tb: 'também',
    tbm: 'também',
    pq: 'porque',
    hj: 'hoje',
    qto: 'quanto',
    qnto: 'quanto',
    qta: 'quanta',
    qdo: 'quando',
    qnd: 'quando',
    qndo: 'quando',
    obg: 'obrigado',
    obgd: 'obrigado',
    obgda: 'obrigada',
    pra: 'para',
    pro: 'para o',
    msm: 'mesmo',
    td: 'tudo',
    tds: 'todos',
    to: 'estou',
    ta: 'está',
    n: 'não',
    mto: 'muito',
    mt: 'muito',
    dps: 'depois',
    cmg: 'comigo',
    sab: 'sábado',
    dom: 'domingo',
    seg: 'segunda',
    end: 'endereço',
  },
  es: {
    q: 'que',
    k: 'que',
    ke: 'que',
    xq: 'porque',
    pq: 'porque',
    porq: 'porque',
    tb: 'también',
    tmb: 'también',
    tmbn: 'también',
    d: 'de',
    x: 'por',
    xfa: 'por favor',
    porfa: 'por favor',
    dnd: 'dónde',
    xa: 'para',
    pa: 'para',
    finde: 'fin de semana',
    hrs: 'horas',
    sab: 'sábado',
  },
  de: { u: 'und', hdl: '', lg: '', bzw: 'beziehungsweise', wg: 'wegen' },
  fr: {
    stp: "s'il te plaît",
    svp: "s'il vous plaît",
    pk: 'pourquoi',
    pcq: 'parce que',
    bjr: 'bonjour',
    slt: 'salut',
  },
  it: { cmq: 'comunque', nn: 'non', xke: 'perché', xché: 'perché', qlc: 'qualche', x: 'per' },
  nl: { ff: 'even', idd: 'inderdaad', mss: 'misschien', wrm: 'waarom' },
  id: {
    gak: 'tidak',
    ga: 'tidak',
    tdk: 'tidak',
    yg: 'yang',
    dgn: 'dengan',
    utk: 'untuk',
    sy: 'saya',
    brp: 'berapa',
    gmn: 'bagaimana',
  },
  tr: { slm: 'selam', mrb: 'merhaba', tşk: 'teşekkür', tsk: 'teşekkür', nbr: 'ne haber' },
};

/** Numbers written as words become digits, so "eight" meets the "8" on a page. */
const NUMBER_WORDS: Partial<Record<Language, string>> = {
  en: 'zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty',
  pt: 'zero _ dois três quatro cinco seis sete oito nove dez onze doze treze catorze quinze dezesseis dezessete dezoito dezenove vinte',
  es: 'cero _ dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve veinte',
  de: 'null _ zwei drei vier fünf sechs sieben acht neun zehn elf zwölf',
  fr: 'zéro _ deux trois quatre cinq six sept huit neuf dix onze douze',
  it: 'zero _ due tre quattro cinque sei sette otto nove dieci undici dodici',
  nl: 'nul _ twee drie vier vijf zes zeven acht negen tien elf twaalf',
};
const NUMBERS = Object.fromEntries(
  LANGUAGES.map((l) => [
    l,
    new Map(
      (NUMBER_WORDS[l] ?? '')
        .split(' ')
        .map((w, i) => [fold(w), String(i)] as const)
        .filter(([w]) => w && w !== '_'),
    ),
  ]),
) as unknown as Record<Language, ReadonlyMap<string, string>>;

/** A number written as a word, in digits ("eight" -> "8"); any other word as it is. */
export const inDigits = (word: string, language: Language) => NUMBERS[language].get(fold(word)) ?? word;

/** Shorthand with a slash, in any language: "w/o insurance", "c/ convênio", "p/ criança". */
const SLASHED: readonly [RegExp, string][] = [
  [/\bw\/o\b/giu, ' without '],
  [/\bw\//giu, ' with '],
  [/\bb\/c\b/giu, ' because '],
  [/(^|\s)p\/(?=\s|\p{L})/giu, '$1para '],
  [/(^|\s)c\/(?=\s|\p{L})/giu, '$1com '],
  [/(^|\s)s\/(?=\s|\p{L})/giu, '$1sem '],
  [/(\d+)\s*(yo|y\/o)\b/giu, '$1 year old'],
];

/**
 * A child described the way parents write ("my 8 year old", "meu filho de 5 anos", "mi hija"): the words
 * a page uses for children are added, so the price or the rule for children is found.
 */
const CHILDREN: Record<Language, { readonly age: RegExp; readonly family: RegExp; readonly words: string }> =
  {
    en: {
      age: /\b(\d{1,2})[\s-]*(?:years?|yrs?|y\/?o)(?:[\s-]*old)?\b|\b(\d{1,2})yo\b/,
      family: /\b(son|daughter|sons|daughters|kid|kids|baby|toddler|boy|girl|grandson|granddaughter)\b/,
      words: 'child children',
    },
    pt: {
      age: /\b(\d{1,2})\s*anos?\b/,
      family: /\b(filho|filha|filhos|filhas|bebe|menino|menina|neto|neta)\b/,
      words: 'criança crianças infantil',
    },
    es: {
      age: /\b(\d{1,2})\s*anos?\b/,
      family: /\b(hijo|hija|hijos|hijas|bebe|nino|nina|nieto|nieta)\b/,
      words: 'niño niños infantil',
    },
    de: { age: /\b(\d{1,2})\s*jahre?\b/, family: /\b(sohn|tochter|baby|kinder?)\b/, words: 'kind kinder' },
    fr: { age: /\b(\d{1,2})\s*ans\b/, family: /\b(fils|fille|bebe|enfants?)\b/, words: 'enfant enfants' },
    it: {
      age: /\b(\d{1,2})\s*anni\b/,
      family: /\b(figlio|figlia|bambino|bambina)\b/,
      words: 'bambini bambino',
    },
    nl: { age: /\b(\d{1,2})\s*jaar\b/, family: /\b(zoon|dochter|baby)\b/, words: 'kind kinderen' },
    id: { age: /\b(\d{1,2})\s*tahun\b/, family: /\b(putra|putri|bayi)\b/, words: 'anak' },
    tr: { age: /\b(\d{1,2})\s*yas/, family: /\b(oglum|kizim|bebek)\b/, words: 'çocuk' },
  };

/** The age's own words ("8 year old"), which say nothing once "child" is there. */
const AGE_WORDS = /^(\d{1,2}|years?|yrs?|old|yo|anos?|jahre?|ans|anni|jaar|tahun|yas\w*)$/;

function withChildWords(tokens: string[], language: Language): string[] {
  const rule = CHILDREN[language];
  const t = fold(tokens.join(' '));
  const age = rule.age.exec(t);
  const child = age !== null && Number(age[1] ?? age[2]) < 18;
  if (child) return [...tokens.filter((w) => !AGE_WORDS.test(fold(w))), ...words(rule.words)];
  return rule.family.test(t) ? [...tokens, ...words(rule.words)] : tokens;
}

/** A chat message's words as written out: abbreviations expanded, numbers in digits. */
export function expandTexting(text: string, language: Language): string[] {
  let t = text;
  for (const [re, to] of SLASHED) t = t.replace(re, to);
  const out: string[] = [];
  const table = TEXTING[language];
  for (const w of words(t)) {
    const key = fold(w);
    const expanded = Object.hasOwn(table, key) ? table[key]! : NUMBERS[language].get(key);
    if (expanded === undefined) out.push(w);
    else if (expanded) out.push(...words(expanded));
  }
  return withChildWords(out, language);
}

/** Whether a word is chat shorthand in this language (and so never a typo to correct). */
export const isShorthand = (word: string, language: Language) => Object.hasOwn(TEXTING[language], fold(word));

/**
 * What kind of answer a question wants, when words alone do not say where it is: "how much is a root canal"
 * shares "root canal" with the treatments page, but wants the page with the price. Passages with a price
 * or a phone number carry an intent term, and questions asking for one add it (for ranking only: it never
 * counts towards whether the site answers).
 */
const INTENT_QUESTIONS: Record<'price' | 'time' | 'phone', RegExp> = {
  price:
    /\b(how much|cost|costs|price|prices|pricing|fee|fees|charge|rates?|quanto (custa|e|sai|fica|cobra)|preco|precos|valor|custa|custo|cuanto (cuesta|sale|vale|cobran|es)|precio|precios|costo|cuesta|tarifa|was kostet|wie viel|preis|kosten|combien|prix|cout|tarif|quanto costa|prezzo|hoeveel kost|prijs|berapa|harga|biaya|ne kadar|fiyat|ucret)\b/,
  time: /\b(what time|when|hours|opening|open|close|closing|until|que horas|horario|abre|abrem|fecha|fecham|a que hora|abren|cierran|wann|uhr|offnungszeiten|geoffnet|quelle heure|horaires|ouvert|a che ora|orari|aperto|hoe laat|openingstijden|jam berapa|buka|tutup|saat kacta|acik)\b/,
  phone:
    /\b(phone|telephone|number to call|call you|numero|telefone|ligar|telefono|llamar|telefon|anrufen|appeler|chiamare|bellen|nomor|telepon)\b/,
};
/** The question's own words that an intent stands for: a passage stating a price answers "cost". */
const INTENT_ASKING: Record<'price' | 'time' | 'phone', string> = {
  price:
    'cost costs price prices pricing fee fees charge rate rates preço preços valor custa custo cuesta cuestan sale vale precio precios costo kostet kosten preis prix coût tarif costa prezzo kost prijs harga biaya fiyat ücret',
  time: 'open opens close closes closing opening hours hour time abre abrem fecha fecham horário horas abren cierran cierra hora öffnungszeiten geöffnet uhr horaires heure ouvert orari aperto ora openingstijden laat jam buka tutup saat açık',
  phone:
    'phone telephone number call telefone número ligar teléfono llamar telefon anrufen appeler téléphone chiamare telefono bellen telefoon nomor telepon',
};

/** The words a page about each intent is titled with, by language. */
const INTENT_WORDS: Record<'price' | 'time' | 'phone', Record<Language, string>> = {
  price: {
    en: 'price prices cost fee',
    pt: 'preço preços valor custo',
    es: 'precio precios costo',
    de: 'preis preise kosten',
    fr: 'prix tarif',
    it: 'prezzo prezzi costo',
    nl: 'prijs prijzen kosten',
    id: 'harga biaya',
    tr: 'fiyat ücret',
  },
  time: {
    en: 'hours opening',
    pt: 'horário funcionamento',
    es: 'horario',
    de: 'öffnungszeiten',
    fr: 'horaires',
    it: 'orari',
    nl: 'openingstijden',
    id: 'jam',
    tr: 'saatleri',
  },
  phone: {
    en: 'phone contact',
    pt: 'telefone contato',
    es: 'teléfono contacto',
    de: 'telefon kontakt',
    fr: 'téléphone contact',
    it: 'telefono contatti',
    nl: 'telefoon contact',
    id: 'telepon kontak',
    tr: 'telefon iletişim',
  },
};
const PRICE =
  /(?:[$€£¥₹]|\bus\$|\br\$)\s?\d|\d[\d.,]*\s?(?:€|eur\b|euros?\b|usd\b|dollars?\b|reais\b|pesos?\b)/i;
const TIME = /\b\d{1,2}[:.h]\d{2}\b|\b\d{1,2}\s?(am|pm|h)\b/i;
const PHONE = /\+?\(?\d[\d\s().-]{7,}\d/;

/** What a question asks for: the intent terms ("¤price" for "how much...") and the words that name it. */
export function questionIntents(
  text: string,
  language: Language,
): { terms: string[]; words: string[]; asking: Map<string, string> } {
  const t = fold(text.toLowerCase());
  const found = (Object.keys(INTENT_QUESTIONS) as (keyof typeof INTENT_QUESTIONS)[]).filter((name) =>
    INTENT_QUESTIONS[name].test(t),
  );
  const asking = new Map<string, string>();
  for (const name of found) {
    for (const w of INTENT_ASKING[name].split(' ')) asking.set(stemOf(w, language), `¤${name}`);
  }
  return {
    terms: found.map((name) => `¤${name}`),
    words: found.flatMap((name) => INTENT_WORDS[name][language].split(' ')),
    asking,
  };
}

/** The intent terms of a passage: one per price, clock time or phone number it states. */
export function passageIntents(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (PRICE.test(line)) out.push('¤price');
    if (TIME.test(line)) out.push('¤time');
    const phone = PHONE.exec(line)?.[0];
    if (phone && phone.replace(/\D/g, '').length >= 9) out.push('¤phone');
  }
  return out;
}

export const isIntent = (term: string) => term.startsWith('¤');

export interface Detected {
  readonly language: Language;
  /** False when the text gave too little to tell (the fallback was taken, or two languages were close). */
  readonly confident: boolean;
}

/**
 * The language of a customer's message. Short messages fool character models ("vcs atendem sabado?"), so
 * tinyld's scores are combined with the share of the message's words that are stop words or chat
 * shorthand of each language; a message with nothing to go on ("ok", "8") gets the fallback.
 */
export function detectLanguage(
  text: string,
  options: {
    fallback?: Language;
    candidates?: readonly Language[];
    /** Stop words alone: enough for a page's paragraph, and much quicker than the character model. */
    wordsOnly?: boolean;
  } = {},
): Detected {
  const fallback = options.fallback ?? 'en';
  const candidates = options.candidates?.length ? options.candidates : LANGUAGES;
  const tokens = words(text).filter((w) => !/^\d+$/.test(w));
  if (tokens.length === 0) return { language: fallback, confident: false };
  const score = new Map<Language, number>(candidates.map((l) => [l, 0]));
  if (!options.wordsOnly) {
    for (const { lang, accuracy } of detectAll(text, { only: [...candidates] })) {
      if (score.has(lang as Language)) score.set(lang as Language, 2 * accuracy);
    }
  }
  for (const w of tokens) {
    const key = fold(w);
    const claims = candidates.filter((l) => STOPWORDS[l].has(key) || Object.hasOwn(TEXTING[l], key));
    for (const l of claims) score.set(l, score.get(l)! + 1 / (claims.length * tokens.length ** 0.5));
  }
  const ranked = [...score.entries()].sort((a, b) => b[1] - a[1]);
  const [best, second] = ranked;
  if (!best || best[1] < 0.15) return { language: fallback, confident: false };
  // A tie goes to the fallback when it is one of the two (a site's own language, or the conversation's).
  if (second && best[1] - second[1] < 0.1 && second[0] === fallback)
    return { language: fallback, confident: false };
  return { language: best[0], confident: !second || best[1] - second[1] >= 0.25 };
}
