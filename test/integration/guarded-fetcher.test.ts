import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { GuardedFetcher } from '../../functions/adapters/web/guarded-fetcher';

/** A loopback server whose /redirect?to=... answers 302 to any address, and /big a large body. */
async function startServer(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.push(url.pathname);
    if (url.pathname === '/redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/' });
      return res.end();
    }
    if (url.pathname === '/big') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(`<p>${'x'.repeat(50_000)}</p>`);
    }
    if (url.pathname === '/slow') return; // never answers
    if (url.pathname === '/stall') {
      // Headers at once, then half a page and nothing more.
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.write('<p>half');
    }
    if (url.pathname === '/gzip' || url.pathname === '/br') {
      const page = '<title>packed</title><p>compressed hello</p>';
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': url.pathname.slice(1) });
      return res.end(url.pathname === '/gzip' ? gzipSync(page) : brotliCompressSync(page));
    }
    if (url.pathname === '/bomb') {
      // 100 bytes on the wire, a megabyte once unpacked.
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip' });
      return res.end(gzipSync(Buffer.alloc(1_000_000, 'a')));
    }
    if (url.pathname === '/pdf') {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      return res.end(Buffer.alloc(50_000));
    }
    if (url.pathname === '/declared-big') {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '20000' });
      return res.end('x'.repeat(20_000));
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<title>ok</title><p>hello</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const settings = { userAgent: 'test-bot', timeoutMs: 2000, maxBytes: 10_000, maxRedirects: 3 };

describe('the guarded fetcher (SSRF refusals)', () => {
  let site: Awaited<ReturnType<typeof startServer>>;
  const fetchers: GuardedFetcher[] = [];
  const make = (allowLoopback: boolean, resolve?: (host: string) => Promise<string[]>) => {
    const f = new GuardedFetcher({ ...settings, policy: { allowLoopback }, ...(resolve ? { resolve } : {}) });
    fetchers.push(f);
    return f;
  };
  beforeAll(async () => {
    site = await startServer();
  });
  afterAll(async () => {
    await Promise.all(fetchers.map((f) => f.close()));
    await site.close();
  });

  it('refuses loopback by default, by IP and by a name that resolves to it, without connecting', async () => {
    const f = make(false);
    await expect(f.get(`${site.url}/`)).rejects.toThrow('127.0.0.1 is a loopback address');
    const port = new URL(site.url).port;
    await expect(f.get(`http://localhost:${port}/`)).rejects.toThrow(
      /localhost resolves to a refused address/,
    );
    expect(site.hits).toEqual([]);
  });

  it('fetches loopback only when allowed, and still refuses private and link-local addresses', async () => {
    const f = make(true);
    const page = await f.get(`${site.url}/`);
    expect(page).toMatchObject({ status: 200, contentType: 'text/html' });
    expect(page.body).toContain('hello');
    for (const target of [
      'http://10.0.0.1/',
      'http://192.168.1.1/admin',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::ffff:10.0.0.1]/',
      'http://[fd00::1]/',
      'http://0.0.0.0/',
    ]) {
      await expect(f.get(target)).rejects.toThrow(/is a (private|link-local|unspecified) address/);
    }
  });

  it('checks every redirect hop: a redirect to the metadata service or a private name is refused', async () => {
    const resolve = async (host: string) => (host === 'internal.example' ? ['10.1.2.3'] : ['127.0.0.1']);
    const f = make(true, resolve);
    const before = site.hits.length;
    await expect(
      f.get(`${site.url}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`),
    ).rejects.toThrow('169.254.169.254 is a link-local address');
    await expect(
      f.get(`${site.url}/redirect?to=${encodeURIComponent('http://internal.example/secret')}`),
    ).rejects.toThrow('internal.example resolves to a refused address: 10.1.2.3 is a private address');
    await expect(
      f.get(`${site.url}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`),
    ).rejects.toThrow('file: URLs are not fetched');
    expect(site.hits.slice(before)).toEqual(['/redirect', '/redirect', '/redirect']);
  });

  it('refuses a name whose address changes to a private one at connect time (DNS rebinding)', async () => {
    let calls = 0;
    // The first answer (the check) is public; the second (the connection) is loopback, which is refused here.
    const rebinding = async () => (calls++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
    const f = make(false, rebinding);
    const port = new URL(site.url).port;
    await expect(f.get(`http://rebind.example:${port}/`)).rejects.toThrow(/refused address/);
    expect(calls).toBe(2);
    // The same guard sits under TLS connections: refused before any handshake.
    calls = 0;
    const before = site.hits.length;
    await expect(f.get(`https://rebind.example:${port}/`)).rejects.toThrow(
      'rebind.example resolves to a refused address: 127.0.0.1 is a loopback address',
    );
    expect(calls).toBe(2);
    expect(site.hits.length).toBe(before);
  });

  it('caps the body size and the time a server may take', async () => {
    const f = make(true);
    await expect(f.get(`${site.url}/big`)).rejects.toThrow('larger than 10000 bytes');
    const quick = new GuardedFetcher({ ...settings, timeoutMs: 300, policy: { allowLoopback: true } });
    fetchers.push(quick);
    await expect(quick.get(`${site.url}/slow`)).rejects.toThrow(
      `could not fetch ${site.url}/slow: no complete answer within 300 ms`,
    );
    // A server that starts a page and stops half-way is cut at the same deadline.
    await expect(quick.get(`${site.url}/stall`)).rejects.toThrow('no complete answer within 300 ms');
    await expect(f.get(`${site.url}/declared-big`)).rejects.toThrow('larger than 10000 bytes');
  });

  it('fetches over TLS with the name checked against the certificate, and refuses an untrusted one', async () => {
    const tls = join(__dirname, '..', 'support', 'tls');
    const cert = readFileSync(join(tls, 'site.crt'), 'utf8');
    const server = createTlsServer({ cert, key: readFileSync(join(tls, 'site.key')) }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<title>secure</title><p>over TLS</p>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const resolve = async () => ['127.0.0.1'];
      const trusting = new GuardedFetcher({
        ...settings,
        policy: { allowLoopback: true },
        resolve,
        ca: cert,
      });
      fetchers.push(trusting);
      const page = await trusting.get(`https://site.test:${port}/`);
      expect(page).toMatchObject({ status: 200, contentType: 'text/html' });
      expect(page.body).toContain('over TLS');
      // The certificate names site.test, not other.test.
      await expect(trusting.get(`https://other.test:${port}/`)).rejects.toThrow(
        /could not fetch .*other\.test/,
      );
      // Node's own roots do not include a self-signed certificate.
      await expect(make(true, resolve).get(`https://site.test:${port}/`)).rejects.toThrow(
        /could not fetch https:\/\/site\.test:\d+\/: self-signed certificate/,
      );
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('unpacks gzip and brotli pages, and caps the unpacked size against compression bombs', async () => {
    const f = make(true);
    for (const path of ['/gzip', '/br']) {
      const page = await f.get(`${site.url}${path}`);
      expect(page).toMatchObject({ status: 200, contentType: 'text/html' });
      expect(page.body).toBe('<title>packed</title><p>compressed hello</p>');
    }
    await expect(f.get(`${site.url}/bomb`)).rejects.toThrow('larger than 10000 bytes');
  });

  it('reports a non-text page by its type without reading it, and follows a same-site redirect', async () => {
    const f = make(true);
    await expect(f.get(`${site.url}/pdf`)).resolves.toEqual({
      url: `${site.url}/pdf`,
      status: 200,
      contentType: 'application/pdf',
      body: '',
    });
    const moved = await f.get(`${site.url}/redirect?to=/gzip`);
    expect(moved).toMatchObject({ url: `${site.url}/gzip`, status: 200 });
    expect(moved.body).toContain('compressed hello');
  });
});
