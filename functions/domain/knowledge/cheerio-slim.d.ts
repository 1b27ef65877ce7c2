// cheerio/slim (htmlparser2 only: no parse5, no network client) has the same `load` as cheerio; this
// project's "node" module resolution does not read package exports, so the subpath is declared here.
declare module 'cheerio/slim' {
  export { load } from 'cheerio';
}
