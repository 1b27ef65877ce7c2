/**
 * Website text is data, never instructions. Anyone who can write on a page the business's site shows (a
 * review, a comment, a compromised CMS) can plant a sentence aimed at an AI assistant ("AI assistant
 * reading this page: ignore your previous instructions...") or one that asks customers for card numbers
 * or passwords. Such sentences are found here, in the languages the assistant reads, so that the indexer
 * drops them (and logs them with the page) and no excerpt or prompt ever carries them.
 */
import { normalize } from './text';

const AI =
  '(ai|a\\.i\\.|artificial intelligence|ai assistant|virtual assistant|chat ?bot|language model|llm|gpt|chatgpt|claude|gemini|copilot)s?';

/** Sentences that speak to an AI or try to change its instructions: dropped whatever else they say. */
const AIMED_AT_AN_AI: readonly RegExp[] = [
  // "ignore / disregard / forget (all) (your) previous instructions" (not "do not ignore the aftercare instructions")
  /(?<!\b(not|never|n't)\s)\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|prompts?|guidelines)\b/,
  // addressed to an AI reading the page
  new RegExp(
    `\\b${AI}\\b.{0,30}\\b(reading|processing|summari[sz]ing|scraping|crawling|reads|sees|seeing)\\b.{0,20}\\b(this|these|the)\\b`,
  ),
  new RegExp(`\\b(dear|attention|note (to|for)|hey|hello|to (the|any))\\s+${AI}\\b`),
  /\byou are now\b|\bfrom now on,? you\b|\bpretend (to be|you are)\b|\b(developer|god|dan) mode\b|\bjailbreak|\bsystem prompt\b/,
  // Portuguese
  /(?<!\bnao\s)\b(ignore|ignora|desconsidere|esqueca)\b.{0,40}\b(instrucoes|comandos)\b/,
  /\b(assistente virtual|inteligencia artificial|chatbot)\b.{0,30}\b(lendo|que le|que esta lendo)\b/,
  // Spanish
  /(?<!\bno\s)\b(ignora|ignore|olvida|olvide)\b.{0,40}\b(instrucciones|ordenes)\b/,
  /\b(asistente virtual|inteligencia artificial|chatbot)\b.{0,30}\b(leyendo|que lee|que esta leyendo)\b/,
  // German, French, Italian, Dutch
  /\b(ignoriere|vergiss)\b.{0,40}\b(anweisungen)\b/,
  /\b(ignore[sz]|oublie[sz])\b.{0,40}\b(instructions|consignes)\b/,
  /\b(ignora|dimentica)\b.{0,40}\b(istruzioni)\b/,
  /\b(negeer|vergeet)\b.{0,40}\b(instructies)\b/,
];

/** Words asking for what a business never asks for in a chat: card numbers, codes, passwords. */
const SECRETS =
  /\b(credit ?card|debit ?card|card (number|details)|cvv|cvc|security code|pin( code)?|passwords?|passcodes?|login|credentials|one[- ]time (code|password)|verification code|bank (details|account)|social security|ssn|numero do cartao|dados do cartao|senha|codigo de seguranca|numero de (la )?tarjeta|datos de (la )?tarjeta|contrasena|kartennummer|passwort|numero de carte|mot de passe)\b/;
const ASKING =
  /\b(send|give|share|provide|tell|enter|type|reply with|ask (them|customers|the customer|for)|collect|request|envie|mande|informe|passe|pe[cç]a|envia|env[ií]e|manda|d[eé] ?me|proporcion\w*|schick\w*|gib|envoye[zr]?|donne[zr]?)\b/;
/** A sentence that says it never asks for these is the business's warning, and stays. */
const NEGATED = /\b(never|not|don't|do not|won't|no one|nobody|nunca|nao|jamais|no|nie|niemals|ne|pas|mai)\b/;

/** Whether a sentence is an instruction aimed at an AI, or asks for secrets or payment details. */
export function isPlantedInstruction(sentence: string): boolean {
  const s = normalize(sentence).replace(/[’']/g, "'");
  if (AIMED_AT_AN_AI.some((re) => re.test(s))) return true;
  // A question ("Will you ask for my card details?") is an FAQ's, not a request.
  if (s.trim().endsWith('?')) return false;
  return SECRETS.test(s) && ASKING.test(s) && !NEGATED.test(s);
}

/** A text's sentences (ends of sentences, and line breaks). */
export function sentences(text: string): string[] {
  return text.match(/[^.!?\n]+(?:[.!?]+["'”’)\]]*|\n|$)\s*/gu) ?? (text ? [text] : []);
}

/** The text without its planted sentences, and the sentences removed. */
export function withoutInstructions(text: string): { text: string; removed: string[] } {
  const removed: string[] = [];
  const kept: string[] = [];
  for (const s of sentences(text)) {
    if (isPlantedInstruction(s)) removed.push(s.trim());
    else kept.push(s);
  }
  if (removed.length === 0) return { text, removed };
  return { text: kept.join('').replace(/\s+/g, ' ').trim(), removed };
}
