import { blockedReason, checkUrl } from '../../functions/domain/knowledge/address-policy';
import {
  asksForHuman,
  buildChat,
  CANNOT_ANSWER,
  excerptReply,
  fitWhatsApp,
  readModelReply,
} from '../../functions/domain/knowledge/assistant';
import { chunkBlocks, estimateTokens } from '../../functions/domain/knowledge/chunk';
import { extractPage, textToBlocks } from '../../functions/domain/knowledge/html';
import { KnowledgeIndex, type Passage, unitVector } from '../../functions/domain/knowledge/retrieval';
import { parseSitemap } from '../../functions/domain/knowledge/sitemap';
import { termOf, termsOf } from '../../functions/domain/knowledge/terms';

describe('extracting a page', () => {
  const html = `<html><head><title>Returns</title><link rel="canonical" href="/returns">
    <meta name="robots" content="index"></head><body>
    <header><nav><a href="/">Home</a></nav></header>
    <main><h1>Returns</h1><p>Return within  30 days.</p><ul><li>Bring the receipt</li></ul>
    <script>var x = 1</script><a href="/faq#top">FAQ</a> <a href="mailto:a@b.c">mail</a> <a rel="nofollow" href="/login">in</a></main>
    <footer>© Shop</footer></body></html>`;
  const page = extractPage(html, 'https://shop.example/returns?x=1');

  it('keeps the main text as headings and paragraphs, without navigation, scripts or footer', () => {
    expect(page.title).toBe('Returns');
    expect(page.blocks).toEqual([
      { kind: 'heading', text: 'Returns', level: 1 },
      { kind: 'text', text: 'Return within 30 days.' },
      { kind: 'text', text: '- Bring the receipt' },
    ]);
    expect(JSON.stringify(page.blocks)).not.toMatch(/Home|var x|© Shop/);
  });

  it('resolves links and the canonical URL, drops fragments, mailto and nofollow links', () => {
    expect(page.canonicalUrl).toBe('https://shop.example/returns');
    expect(page.links).toEqual(['https://shop.example/', 'https://shop.example/faq']);
    expect(page.noindex).toBe(false);
    expect(
      extractPage('<meta name="robots" content="noindex,follow"><p>x</p>', 'https://a.example/').noindex,
    ).toBe(true);
  });

  it('reads markdown headings and paragraphs', () => {
    expect(textToBlocks('# Title\nintro line\n\nsecond\npara', 'markdown')).toEqual([
      { kind: 'heading', text: 'Title', level: 1 },
      { kind: 'text', text: 'intro line' },
      { kind: 'text', text: 'second para' },
    ]);
    expect(textToBlocks('# not a heading', 'text')).toEqual([{ kind: 'text', text: '# not a heading' }]);
  });

  it('lists the pages and nested sitemaps of a sitemap', () => {
    expect(parseSitemap('<urlset><url><loc> https://a.example/x </loc></url></urlset>')).toEqual({
      pages: ['https://a.example/x'],
      sitemaps: [],
    });
    expect(
      parseSitemap('<sitemapindex><sitemap><loc>https://a.example/s2.xml</loc></sitemap></sitemapindex>')
        .sitemaps,
    ).toEqual(['https://a.example/s2.xml']);
  });
});

describe('chunking', () => {
  const para = (n: number) => `Sentence ${n} about bikes and repairs in the shop. `.repeat(8).trim();

  it('splits on paragraph boundaries near the target size, with the heading path and overlap', () => {
    const blocks = [
      { kind: 'heading' as const, text: 'Repairs', level: 1 },
      { kind: 'heading' as const, text: 'Prices', level: 2 },
      ...Array.from({ length: 6 }, (_, i) => ({ kind: 'text' as const, text: para(i) })),
      { kind: 'heading' as const, text: 'Hours', level: 2 },
      { kind: 'text' as const, text: 'Open daily.' },
    ];
    const chunks = chunkBlocks(blocks, { targetTokens: 250, maxTokens: 400, overlapTokens: 30 });
    const priced = chunks.filter((c) => c.heading === 'Repairs > Prices');
    expect(priced.length).toBeGreaterThan(1);
    for (const c of priced) expect(estimateTokens(c.text)).toBeLessThanOrEqual(400);
    // The second passage starts with the end of the first.
    expect(priced[1]!.text.startsWith('…')).toBe(true);
    expect(priced[0]!.text).toContain(priced[1]!.text.split('\n')[0]!.slice(1, 40));
    expect(chunks.at(-1)).toEqual({ heading: 'Repairs > Hours', text: 'Open daily.' });
    // Every paragraph appears in some passage.
    for (let i = 0; i < 6; i++) expect(chunks.some((c) => c.text.includes(para(i)))).toBe(true);
  });

  it('cuts a paragraph longer than the limit at sentence ends', () => {
    const long = 'This is one sentence of a very long paragraph. '.repeat(100).trim();
    const chunks = chunkBlocks([{ kind: 'text', text: long }], {
      targetTokens: 100,
      maxTokens: 150,
      overlapTokens: 0,
    });
    expect(chunks.length).toBeGreaterThan(5);
    for (const c of chunks) {
      expect(c.text.length).toBeLessThanOrEqual(600);
      expect(c.text.endsWith('.')).toBe(true);
    }
  });
});

describe('retrieval', () => {
  const passage = (id: string, title: string, text: string, vector?: number[]): Passage => ({
    id,
    sourceId: 's',
    url: `https://shop.example/${id}`,
    title,
    heading: '',
    text,
    ...(vector ? { vector: unitVector(vector) } : {}),
  });
  const passages = [
    passage(
      'hours',
      'Opening hours',
      'The shop is open Monday to Friday from 9:00 to 18:00 and closed on Sundays.',
    ),
    passage('returns', 'Returns', 'Unused items can be returned within 30 days for a refund.'),
    passage('pricing', 'Prices', 'A full service costs €79. Puncture repair costs €12.'),
    passage('rentals', 'Rentals', 'Electric bikes can be rented by the day; helmets are included.'),
  ];
  const index = new KnowledgeIndex(passages);

  it('stems plural and tense forms to the same term, and drops stop words', () => {
    expect(termOf('returns')).toBe('return');
    expect(termOf('returned')).toBe('return');
    expect(termOf('returning')).toBe('return');
    expect(termsOf('When are you open on Sundays?')).toEqual(termsOf('open sunday'));
  });

  it('ranks the passage that answers first, with high relevance', () => {
    const [top] = index.search('Are you open on Sunday?', { k: 3 });
    expect(top!.passage.id).toBe('hours');
    expect(top!.relevance).toBeGreaterThan(0.9);
    expect(index.search('How much is a puncture repair?', { k: 3 })[0]!.passage.id).toBe('pricing');
  });

  it('scores a question about something the site never mentions low', () => {
    const hits = index.search('Do you sell gift cards?', { k: 3 });
    expect(Math.max(0, ...hits.map((h) => h.relevance))).toBeLessThan(0.5);
    expect(index.search('the and of', { k: 3 })).toEqual([]);
  });

  it('fuses vector similarity with BM25: a synonym found only by its embedding still ranks', () => {
    const withVectors = new KnowledgeIndex([
      passage('a', 'Rentals', 'Electric bikes by the day.', [1, 0, 0]),
      passage('b', 'Returns', 'Refund within 30 days.', [0, 1, 0]),
    ]);
    const hits = withVectors.search('hire an e-bike', { k: 2, queryVector: unitVector([0.9, 0.1, 0]) });
    expect(hits[0]!.passage.id).toBe('a');
    expect(hits[0]!.cosine).toBeGreaterThan(0.9);
    expect(hits[0]!.relevance).toBeGreaterThan(0.9);
  });
});

describe('the assistant’s words', () => {
  const keywords = ['agent', 'human', 'a person', 'talk to someone'];

  it('recognises a request for a person as whole words only', () => {
    expect(asksForHuman('Can I talk to a HUMAN?', keywords)).toBe(true);
    expect(asksForHuman('I want to talk to someone', keywords)).toBe(true);
    expect(asksForHuman('I need a person, please', keywords)).toBe(true);
    expect(asksForHuman('What does your travel agency do?', keywords)).toBe(false);
    expect(asksForHuman('Can I pay in person?', keywords)).toBe(false);
  });

  it('reads the model’s CANNOT_ANSWER as a handoff, and fits long replies to WhatsApp', () => {
    expect(readModelReply(` ${CANNOT_ANSWER} `, { maxChars: 1000 })).toMatchObject({
      handoff: true,
      text: '',
    });
    expect(readModelReply('', { maxChars: 1000 }).handoff).toBe(true);
    const long = `${'Word '.repeat(400)}end.\n\nSource: https://shop.example/faq`;
    const fitted = fitWhatsApp(long, 500);
    expect(fitted.length).toBeLessThanOrEqual(500);
    expect(fitted.endsWith('Source: https://shop.example/faq')).toBe(true);
  });

  it('builds a prompt with the rules alone in the system message, the passages quoted in a user message, and the history', () => {
    const chat = buildChat({
      question: 'And bikes?',
      passages: [{ url: 'https://s.example/r', title: 'Returns', heading: 'Bikes', text: '14 days.' }],
      history: [
        { role: 'customer', text: 'Can I return things?' },
        { role: 'business', text: 'Yes, within 30 days.' },
      ],
      businessName: 'Harbour Cycles',
      maxChars: 800,
    });
    expect(chat[0]!.role).toBe('system');
    expect(chat[0]!.content).toContain('Harbour Cycles');
    expect(chat[0]!.content).toContain("customer's language");
    expect(chat[0]!.content).not.toContain('14 days.');
    expect(chat.slice(1, 3)).toEqual([
      { role: 'user', content: 'Can I return things?' },
      { role: 'assistant', content: 'Yes, within 30 days.' },
    ]);
    expect(chat[3]!.role).toBe('user');
    expect(chat[3]!.content).toContain(
      '<website_content>\n[1] Returns — Bikes\nURL: https://s.example/r\n14 days.\n</website_content>',
    );
    expect(chat[4]).toEqual({ role: 'user', content: 'And bikes?' });
  });

  it('words the offline reply as an excerpt with its source', () => {
    const text = excerptReply(
      [{ url: 'https://s.example/h', title: 'Hours', heading: '', text: 'Open 9-18.' }],
      1000,
    );
    expect(text).toBe(
      'Here is an excerpt from our website that may answer your question:\n\n*Hours*\nOpen 9-18.\n\nSource: https://s.example/h',
    );
  });
});

describe('the crawler’s address policy', () => {
  it('allows public unicast addresses only, loopback only when told', () => {
    expect(blockedReason('93.184.216.34', { allowLoopback: false })).toBeUndefined();
    expect(blockedReason('2606:4700::1111', { allowLoopback: false })).toBeUndefined();
    expect(blockedReason('127.0.0.1', { allowLoopback: false })).toBe('127.0.0.1 is a loopback address');
    expect(blockedReason('127.0.0.1', { allowLoopback: true })).toBeUndefined();
    expect(blockedReason('::1', { allowLoopback: false })).toBe('::1 is a loopback address');
    expect(blockedReason('169.254.169.254', { allowLoopback: true })).toBe(
      '169.254.169.254 is a link-local address',
    );
    expect(blockedReason('10.0.0.8', { allowLoopback: true })).toBe('10.0.0.8 is a private address');
    expect(blockedReason('100.64.0.1', { allowLoopback: false })).toBe(
      '100.64.0.1 is a carrier-grade NAT address',
    );
    expect(blockedReason('::ffff:192.168.0.1', { allowLoopback: false })).toBe(
      '::ffff:192.168.0.1 is a private address',
    );
  });

  it('refuses other schemes and credentials in URLs', () => {
    const policy = { allowLoopback: false };
    expect(checkUrl(new URL('ftp://example.com/'), policy)).toBe('ftp: URLs are not fetched');
    expect(checkUrl(new URL('https://user:pw@example.com/'), policy)).toBe(
      'URLs with credentials are not fetched',
    );
    expect(checkUrl(new URL('https://example.com/'), policy)).toBeUndefined();
    expect(checkUrl(new URL('http://[fe80::1]/'), policy)).toBe('fe80::1 is a link-local address');
  });
});
