/**
 * What the assistant says and how it decides to step aside: the system prompt that confines the model to
 * the business's passages, the marker by which the model says it cannot answer, the words with which a
 * customer asks for a person, and the fallback excerpt reply used when no model is configured.
 */
import { normalize } from './terms';

/** WhatsApp's limit for a text message body. */
export const WHATSAPP_TEXT_LIMIT = 4096;

/** The model answers exactly this when the passages do not contain the answer. */
export const CANNOT_ANSWER = 'CANNOT_ANSWER';

export const DEFAULT_HANDOFF_KEYWORDS = [
  'agent',
  'human',
  'a person',
  'real person',
  'representative',
  'operator',
  'speak to someone',
  'talk to someone',
] as const;

export const REPLIES = {
  handoff:
    'Thanks for your message. I am passing this conversation to a member of our team, who will reply here as soon as they can.',
  media:
    'I can only read text messages. Please type your question, or write "agent" to talk to a person from our team.',
} as const;

export interface PromptPassage {
  readonly url: string;
  readonly title: string;
  readonly heading: string;
  readonly text: string;
}

export interface Turn {
  readonly role: 'customer' | 'business';
  readonly text: string;
}

/** How a passage is cited: its page URL, or the title of a document added without one. */
export function citation(p: Pick<PromptPassage, 'url' | 'title'>): string {
  return p.url.startsWith('document:') ? p.title : p.url;
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** Whether the customer asks for a person: a keyword as a whole word or phrase, in any case. */
export function asksForHuman(text: string, keywords: readonly string[]): boolean {
  const words = ` ${normalize(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
  return keywords.some((k) => {
    const phrase = normalize(k)
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
    return phrase !== '' && words.includes(` ${phrase} `);
  });
}

export function systemPrompt(businessName: string | undefined, maxChars: number): string {
  const who = businessName ? `the WhatsApp assistant of ${businessName}` : "a business's WhatsApp assistant";
  return [
    `You are ${who}. Answer the customer's message using only the numbered passages from the business's website below.`,
    `If the passages do not contain the answer, or the question asks for anything beyond them (prices, policies, promises or advice they do not state), reply with exactly ${CANNOT_ANSWER} and nothing else. Never guess and never invent policy.`,
    "Reply in the customer's language. Be brief and friendly: two or three sentences unless more is needed.",
    `Use WhatsApp formatting only (*bold*, _italic_, plain lists); no Markdown headings, tables or links in brackets. Stay under ${maxChars} characters.`,
    'End with the page you used, as "Source: <URL>" on its own line.',
  ].join('\n');
}

export function buildChat(input: {
  readonly question: string;
  readonly passages: readonly PromptPassage[];
  readonly history: readonly Turn[];
  readonly businessName?: string;
  readonly maxChars: number;
}): ChatMessage[] {
  const context = input.passages
    .map(
      (p, i) => `[${i + 1}] ${p.title}${p.heading ? ` — ${p.heading}` : ''}\nURL: ${citation(p)}\n${p.text}`,
    )
    .join('\n\n');
  return [
    {
      role: 'system',
      content: `${systemPrompt(input.businessName, input.maxChars)}\n\nPassages:\n\n${context}`,
    },
    ...input.history.map(
      (t): ChatMessage => ({ role: t.role === 'customer' ? 'user' : 'assistant', content: t.text }),
    ),
    { role: 'user', content: input.question },
  ];
}

/** The model's reply as the customer will see it, or a handoff when it said it cannot answer. */
export function readModelReply(
  reply: string | null | undefined,
  maxChars: number,
): { handoff: boolean; text: string } {
  const text = (reply ?? '').trim();
  if (text === '' || text.toUpperCase().includes(CANNOT_ANSWER)) return { handoff: true, text: '' };
  return { handoff: false, text: fitWhatsApp(text, maxChars) };
}

/** Cuts at a sentence or word end under the limit, keeping a trailing "Source:" line when there is one. */
export function fitWhatsApp(text: string, maxChars: number): string {
  const limit = Math.min(maxChars, WHATSAPP_TEXT_LIMIT);
  if (text.length <= limit) return text;
  const source = /\n(Source:[^\n]*)\s*$/.exec(text)?.[1];
  const room = limit - (source ? source.length + 2 : 0) - 1;
  const body = text.slice(0, room);
  const end = Math.max(body.lastIndexOf('. '), body.lastIndexOf('\n'), body.lastIndexOf(' '));
  const cut = `${body.slice(0, end > room / 2 ? end + 1 : room).trimEnd()}…`;
  return source ? `${cut}\n\n${source}` : cut;
}

/**
 * The reply without a language model: the best passage, clearly marked as an excerpt of the website rather
 * than a written answer, with its page. Keeps `npm start` useful offline.
 */
export function excerptReply(passages: readonly PromptPassage[], maxChars: number): string {
  const best = passages[0];
  if (!best) return '';
  const heading = best.heading || best.title;
  const lines = [
    'Here is an excerpt from our website that may answer your question:',
    '',
    `*${heading}*`,
    best.text.replace(/^…/, ''),
    '',
    `Source: ${citation(best)}`,
  ];
  return fitWhatsApp(lines.join('\n'), maxChars);
}
