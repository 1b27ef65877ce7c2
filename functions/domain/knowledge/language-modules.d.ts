// The stemmers, stop-word lists and language detector are imported by subpath (one language each, so a
// bundle carries only these nine); this project's "node" module resolution does not read package exports,
// so the subpaths are declared here with the packages' own types.
declare module '@orama/stemmers/*' {
  export function stemmer(word: string): string;
}
declare module '@orama/stopwords/*' {
  export const stopwords: string[];
}
declare module 'tinyld/light' {
  export function detectAll(
    text: string,
    options?: { only?: string[]; verbose?: boolean },
  ): { lang: string; accuracy: number }[];
}
