/**
 * Serves the demo website on loopback: the pages above with a site-wide header, navigation and footer,
 * robots.txt (disallowing /private/), a sitemap, a redirect, a PDF, a duplicate page, a page reached
 * through a canonical link, and redirects towards private addresses that the crawler must refuse.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DUPLICATE_PATH, type FixturePage, PAGES } from './pages';

export interface FixtureSite {
  readonly url: string;
  /** Requests by path, for tests that check what the crawler fetched. */
  readonly requests: string[];
  /** Replace a page's main content (for refresh tests). */
  setMain(path: string, main: string): void;
  close(): Promise<void>;
}

function layout(page: FixturePage, origin: string): string {
  const nav = PAGES.filter((p) => p.nav)
    .map((p) => `<a href="${p.path}">${p.title.split(' — ')[0]}</a>`)
    .join(' | ');
  const canonical = page.canonical ?? page.path;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${page.title}</title>
<link rel="canonical" href="${origin}${canonical}"><script>window.analytics = { track() {} };</script>
<style>body { font-family: sans-serif }</style></head>
<body><header><div class="logo">Harbour Cycles</div><nav>${nav} | <a href="/contact">Contact</a> | <a href="/faq?ref=nav">Help</a></nav></header>
<main>${page.main}</main>
<aside><p>See also: <a href="/old-hours">our hours</a>, <a href="/brochure.pdf">the 2026 brochure (PDF)</a>, <a href="${DUPLICATE_PATH}">FAQ (copy)</a>, <a href="/partners">partners</a>, <a href="https://other.example/">another site</a>, <a href="mailto:hello@harbourcycles.example">email</a>.</p></aside>

<footer><p>© 2026 Harbour Cycles · 14 Quay Street, Portside · <a href="/privacy">Privacy</a></p><div class="cookie">We use cookies.</div></footer></body></html>`;
}

export async function startFixtureSite(options: { port?: number } = {}): Promise<FixtureSite> {
  const requests: string[] = [];
  const mains = new Map(PAGES.map((p) => [p.path, p.main]));
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    requests.push(url.pathname + url.search);
    const send = (
      status: number,
      type: string,
      body: string | Buffer,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'content-type': type, ...headers });
      res.end(body);
    };
    const pageAt = (path: string) => {
      const page = PAGES.find((p) => p.path === path);
      return page ? { ...page, main: mains.get(path) ?? page.main } : undefined;
    };
    switch (url.pathname) {
      case '/robots.txt':
        return send(
          200,
          'text/plain',
          `User-agent: *\nDisallow: /private/\n\nSitemap: ${origin}/sitemap.xml\n`,
        );
      case '/sitemap.xml': {
        const locs = ['/', '/faq', '/hours', '/pricing', '/returns', '/service-plans', '/private/staff-notes']
          .map((p) => `<url><loc>${origin}${p}</loc></url>`)
          .join('');
        return send(
          200,
          'application/xml',
          `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs}</urlset>`,
        );
      }
      case '/old-hours':
        return send(301, 'text/plain', 'moved', { location: '/hours' });
      case '/partners':
        // A redirect towards the cloud metadata address: the crawler must refuse it without connecting.
        return send(302, 'text/plain', 'moved', { location: 'http://169.254.169.254/latest/meta-data/' });
      case '/brochure.pdf':
        return send(200, 'application/pdf', Buffer.from('%PDF-1.4\n% Harbour Cycles brochure\n'));
      case DUPLICATE_PATH: {
        const faq = pageAt('/faq')!;
        return send(200, 'text/html; charset=utf-8', layout({ ...faq, canonical: DUPLICATE_PATH }, origin));
      }
    }
    const page = pageAt(url.pathname);
    if (!page) return send(404, 'text/html', '<h1>Not found</h1>');
    return send(200, 'text/html; charset=utf-8', layout(page, origin));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    setMain: (path, main) => mains.set(path, main),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
