/**
 * Turns a web page into what the assistant can use: its title, canonical URL, same-document links and the
 * main text as blocks (headings and paragraphs), with navigation, headers, footers, forms and scripts left
 * out. Pure: the crawler fetches, this only reads.
 */
import { load } from 'cheerio/slim';

export interface TextBlock {
  /** `heading` blocks start a section; chunking keeps a section's heading with its text. */
  readonly kind: 'heading' | 'text';
  readonly text: string;
  readonly level?: number;
}

export interface ExtractedPage {
  readonly title: string;
  readonly canonicalUrl?: string;
  readonly links: readonly string[];
  readonly blocks: readonly TextBlock[];
  /** Whether the page asks robots not to index it (`<meta name="robots" content="noindex">`). */
  readonly noindex: boolean;
}

const BOILERPLATE =
  'script, style, noscript, template, svg, iframe, nav, header, footer, aside, form, button, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true], .cookie, .cookies, #cookie-banner';
const BLOCKS = 'h1, h2, h3, h4, h5, h6, p, li, dt, dd, td, th, blockquote, pre, figcaption';

const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

export function extractPage(html: string, pageUrl: string): ExtractedPage {
  const $ = load(html);
  const base = safeUrl($('base[href]').attr('href') ?? '', pageUrl) ?? pageUrl;
  const links = new Set<string>();
  $('a[href]').each((_, el) => {
    const rel = ($(el).attr('rel') ?? '').toLowerCase();
    if (rel.includes('nofollow')) return;
    const href = safeUrl($(el).attr('href') ?? '', base);
    if (href) links.add(href);
  });
  const canonical = safeUrl($('link[rel="canonical"]').attr('href') ?? '', base);
  const robotsMeta = ($('meta[name="robots"]').attr('content') ?? '').toLowerCase();
  const title = clean($('title').first().text()) || clean($('h1').first().text()) || pageUrl;

  $(BOILERPLATE).remove();
  // A fragment (a document posted as HTML) has no <body>: then the whole of it is the content.
  const main = $('main').first().length
    ? $('main').first()
    : $('article').first().length
      ? $('article').first()
      : $('body').length
        ? $('body')
        : ($.root() as unknown as ReturnType<typeof $>);
  const blocks: TextBlock[] = [];
  main.find(BLOCKS).each((_, el) => {
    const node = $(el);
    // A list item or cell that contains other blocks is read through those, not twice.
    if (node.find(BLOCKS).length > 0 && !/^h[1-6]$/.test(el.tagName)) return;
    const text = clean(node.text());
    if (!text) return;
    const heading = /^h([1-6])$/.exec(el.tagName);
    blocks.push(
      heading
        ? { kind: 'heading', text, level: Number(heading[1]) }
        : { kind: 'text', text: el.tagName === 'li' ? `- ${text}` : text },
    );
  });
  if (blocks.length === 0) {
    const text = clean(main.text());
    if (text) blocks.push({ kind: 'text', text });
  }
  return {
    title,
    ...(canonical ? { canonicalUrl: canonical } : {}),
    links: [...links],
    blocks,
    noindex: /\bnoindex\b/.test(robotsMeta),
  };
}

/** Markdown and plain text as blocks: `#` lines are headings, blank lines separate paragraphs. */
export function textToBlocks(content: string, format: 'text' | 'markdown'): TextBlock[] {
  const blocks: TextBlock[] = [];
  for (const para of content.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const lines = para.split('\n');
    let buffer: string[] = [];
    const flush = () => {
      const text = clean(buffer.join(' '));
      if (text) blocks.push({ kind: 'text', text });
      buffer = [];
    };
    for (const line of lines) {
      const heading = format === 'markdown' ? /^(#{1,6})\s+(.*)$/.exec(line.trim()) : null;
      if (heading) {
        flush();
        blocks.push({ kind: 'heading', text: clean(heading[2] ?? ''), level: heading[1]!.length });
      } else buffer.push(line);
    }
    flush();
  }
  return blocks;
}

/** Absolute http(s) URL without its fragment, or undefined for mailto:, javascript:, malformed hrefs. */
export function safeUrl(href: string, base: string): string | undefined {
  if (!href.trim()) return undefined;
  try {
    const url = new URL(href.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.hash = '';
    return url.toString();
  } catch {
    return undefined;
  }
}
