/**
 * Text helpers every part of the assistant shares, kept free of the language data (stemmers, stop words,
 * the detector) so that modules every function loads, such as the configuration, stay small.
 */

/** Lower case with accents folded ("Crianças" -> "criancas"): how words are compared. */
export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** The words of a text, in lower case with their accents (the stemmers need them). */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{N}][\p{L}\p{N}'’]*/gu)
      ?.map((w) => w.replace(/’/g, "'").replace(/'+$/, '')) ?? []
  );
}

/** Accents folded off one word. */
export function fold(word: string): string {
  return word.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}
