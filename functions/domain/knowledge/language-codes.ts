/** The languages the assistant reads, by ISO 639-1 code: WhatsApp's large markets. Light: codes only. */
export const LANGUAGES = ['en', 'pt', 'es', 'de', 'fr', 'it', 'nl', 'id', 'tr'] as const;
export type Language = (typeof LANGUAGES)[number];

export const isLanguage = (code: string): code is Language => (LANGUAGES as readonly string[]).includes(code);

/** The language of a BCP 47 tag (`pt-BR` -> `pt`), when it is one the assistant reads. */
export function languageOfTag(tag: string | undefined): Language | undefined {
  const code = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  // An older tag for Indonesian.
  const mapped = code === 'in' ? 'id' : code;
  return isLanguage(mapped) ? mapped : undefined;
}
