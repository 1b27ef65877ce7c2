/**
 * Turns a web page into what the assistant can use: its title, language, canonical URL, same-document links
 * and the main text as blocks (headings and paragraphs), with navigation, headers, footers, forms and
 * scripts left out. FAQ pairs keep their question as a heading (<details>/<summary>, definition lists, a
 * paragraph that is a bold question), so each answer becomes a passage of its own under its question; a
 * table becomes one line per row with the header names ("Cleaning — Without insurance: $95"); reviews and
 * comments are marked as customers' words. Pure: the crawler fetches, this only reads.
 */
import { load } from 'cheerio/slim';
import { type Language, languageOfTag } from './language-codes';

export interface TextBlock {
  /** `heading` blocks start a section; chunking keeps a section's heading with its text. */
  readonly kind: 'heading' | 'text';
  readonly text: string;
  readonly level?: number;
  /** Written by a customer (a review or comment on the page), not by the business. */
  readonly review?: boolean;
}

export interface ExtractedPage {
  readonly title: string;
  readonly canonicalUrl?: string;
  readonly links: readonly string[];
  readonly blocks: readonly TextBlock[];
  /** Whether the page asks robots not to index it (`<meta name="robots" content="noindex">`). */
  readonly noindex: boolean;
  /** The page's language from `<html lang>`, when it is one the assistant reads. */
  readonly language?: Language;
}

const BOILERPLATE =
  'script, style, noscript, template, svg, iframe, nav, header, footer, aside, form, button, [role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true], .cookie, .cookies, #cookie-banner';
const BLOCKS = 'h1, h2, h3, h4, h5, h6, summary, p, li, dt, dd, table, blockquote, pre, figcaption';
/** Class or id words of the containers of customers' reviews and comments. */
const REVIEWS = /^(customer-|user-)?(reviews?|testimonials?|comments?|ratings?)([-_].*)?$/i;

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
  const language = languageOfTag($('html').attr('lang'));

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
  // The level of the latest real heading: a question found otherwise sits one level below it.
  let section = 1;
  // The <details> or <dl> of the question last read: what comes after it is back in the section.
  let question: { container: unknown; level: number } | undefined;
  main.find(BLOCKS).each((_, el) => {
    const node = $(el);
    const tag = el.tagName;
    // A table's cells are read with their table; a block inside a summary with the summary.
    if (tag !== 'table' && node.parents('table, summary').length > 0) return;
    // A list item or cell that contains other blocks is read through those, not twice.
    if (tag !== 'table' && !/^h[1-6]$/.test(tag) && tag !== 'summary' && node.find(BLOCKS).length > 0) return;
    if (
      question &&
      !node
        .parents()
        .toArray()
        .includes(question.container as never)
    ) {
      // An empty heading closes the question: the text after it belongs to the section again.
      blocks.push({ kind: 'heading', text: '', level: question.level });
      question = undefined;
    }
    const review = node
      .parents()
      .addBack()
      .toArray()
      .some((e) => isReviewContainer($(e)));
    const mark = review ? { review: true } : {};
    if (tag === 'table') {
      for (const line of tableLines($, node)) blocks.push({ kind: 'text', text: line, ...mark });
      return;
    }
    const text = clean(node.text());
    if (!text) return;
    const heading = /^h([1-6])$/.exec(tag);
    if (heading) {
      section = Number(heading[1]);
      blocks.push({ kind: 'heading', text, level: section, ...mark });
    } else if (tag === 'summary' || tag === 'dt' || isQuestion(node)) {
      const level = Math.min(6, section + 1);
      blocks.push({ kind: 'heading', text, level, ...mark });
      const container =
        tag === 'summary' ? node.closest('details')[0] : tag === 'dt' ? node.closest('dl')[0] : undefined;
      question = container ? { container, level } : undefined;
    } else blocks.push({ kind: 'text', text: tag === 'li' ? `- ${text}` : text, ...mark });
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
    ...(language ? { language } : {}),
  };
}

function isReviewContainer(node: ReturnType<ReturnType<typeof load>>): boolean {
  const words = `${node.attr('class') ?? ''} ${node.attr('id') ?? ''}`.split(/\s+/).filter(Boolean);
  return (
    words.some((w) => REVIEWS.test(w)) || /schema\.org\/(Review|Comment)\b/.test(node.attr('itemtype') ?? '')
  );
}

/** A paragraph that is only a bold question ("<p><strong>Do you deliver?</strong></p>"), as FAQs write them. */
function isQuestion(node: ReturnType<ReturnType<typeof load>>): boolean {
  if ((node[0] as { tagName?: string } | undefined)?.tagName !== 'p') return false;
  const text = clean(node.text());
  if (!text.endsWith('?') || text.length > 160) return false;
  const bold = clean(node.find('strong, b').text());
  return bold === text || /\b(question|faq-q)/i.test(node.attr('class') ?? '');
}

/**
 * A table as one line per row, each value with its column's header: "Cleaning — Without insurance: $95;
 * With insurance: $25". The first column names the row when its header does (or there is none).
 */
function tableLines($: ReturnType<typeof load>, table: ReturnType<ReturnType<typeof load>>): string[] {
  const rows = table
    .find('tr')
    .toArray()
    .filter((tr) => $(tr).closest('table')[0] === table[0])
    .map((tr) => ({
      header: $(tr).children('td').length === 0,
      cells: $(tr)
        .children('th, td')
        .toArray()
        .map((c) => clean($(c).text())),
    }))
    .filter((r) => r.cells.some(Boolean));
  const caption = clean(table.children('caption').text());
  const lines = caption ? [caption] : [];
  let header: string[] | undefined;
  for (const row of rows) {
    if (row.header && !header) {
      header = row.cells;
      continue;
    }
    const [first = '', ...rest] = row.cells;
    if (!header) {
      lines.push(row.cells.filter(Boolean).join(' | '));
      continue;
    }
    const values = rest
      .map((v, i) => (v ? (header![i + 1] ? `${header![i + 1]}: ${v}` : v) : ''))
      .filter(Boolean);
    lines.push(values.length ? `${first} — ${values.join('; ')}` : first);
  }
  return lines;
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
