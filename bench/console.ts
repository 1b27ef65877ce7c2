/**
 * `npm run bench -- console`: the web console's weight and speed. Builds web/dist and reports its gzipped
 * JavaScript and CSS; then, against the local runtime with 1,000 campaigns, the time from navigation to
 * the campaigns table on screen in headless Chromium (median of several loads), and what an open campaign
 * page costs the API while the campaign runs (requests per minute). Loopback only; stops by itself.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadConfig } from '../functions/config';
import { createLogger } from '../functions/logger';
import { CONSOLE } from '../functions/resources';
import { startPlatform } from '../local/platform';
import { isolatedTableEnv } from '../test/support/aws';
import { launchBrowser } from '../test/support/browser';
import { startBackends } from './send';

const ROOT = join(__dirname, '..');

function assetSizes() {
  execFileSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', 'web'], { cwd: ROOT, stdio: 'ignore' });
  const dir = join(ROOT, CONSOLE.distDir, 'assets');
  const sizes = { jsBytes: 0, jsGzipBytes: 0, cssBytes: 0, cssGzipBytes: 0 };
  for (const f of readdirSync(dir)) {
    const body = readFileSync(join(dir, f));
    const kind = f.endsWith('.js') ? 'js' : f.endsWith('.css') ? 'css' : undefined;
    if (!kind) continue;
    sizes[`${kind}Bytes`] += body.length;
    sizes[`${kind}GzipBytes`] += gzipSync(body, { level: 9 }).length;
  }
  return sizes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

export async function runConsoleBenchmark(options: { quick?: boolean } = {}) {
  const campaigns = options.quick ? 200 : 1000;
  const loads = options.quick ? 3 : 7;
  const pollSeconds = options.quick ? 15 : 30;
  const sizes = assetSizes();

  const b = await startBackends();
  const config = loadConfig({
    ...isolatedTableEnv(),
    PORT: '0',
    DEV_SIMULATE_STATUSES: 'false',
    // Slow, so the polled campaign is still running while the page is measured.
    SEND_RATE_PER_SECOND: '1',
  });
  const platform = await startPlatform({
    config,
    endpoints: b,
    persistent: false,
    logger: createLogger({ level: 'ERROR' }),
    queueSuffix: `-console-${Date.now()}`,
    print: () => {},
  });
  const browser = await launchBrowser();
  try {
    const auth = { authorization: `Bearer ${platform.apiKey}`, 'content-type': 'application/json' };
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${platform.url}${path}`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { id: string };
    };
    const template = await post('/api/templates', { name: 'bench', body: 'Hi {{n}}' });
    for (let i = 0; i < campaigns; i += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, campaigns - i) }, (_, j) =>
          post('/api/campaigns', {
            name: `Campaign ${i + j}`,
            templateId: template.id,
            recipients: [{ phone: `+4915${110000000 + i + j}`, variables: { n: String(i + j) } }],
          }),
        ),
      );
    }
    const running = await post('/api/campaigns', {
      name: 'Polled',
      templateId: template.id,
      recipients: Array.from({ length: 500 }, (_, i) => ({
        phone: `+4915${120000000 + i}`,
        variables: { n: String(i) },
      })),
    });
    await post(`/api/campaigns/${running.id}/start`, {});

    // A signed-in admin (the one-time password is changed first, as the console requires).
    const signIn = async (password: string) =>
      fetch(`${platform.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: platform.admin.email, password }),
      });
    const first = await signIn(platform.admin.password ?? '');
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await first.json()) as { csrfToken: string };
    const newPassword = 'benchmark-password-123';
    await fetch(`${platform.url}/api/auth/password`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: platform.admin.password, newPassword }),
    });
    const session = (await signIn(newPassword)).headers.get('set-cookie')?.split(';')[0] ?? '';
    const [name, value] = session.split('=');
    await browser.context.addCookies([{ name: name!, value: value!, url: platform.url }]);

    const page = await browser.newPage();
    const renders: number[] = [];
    for (let i = 0; i < loads; i++) {
      const start = performance.now();
      await page.goto(`${platform.url}/#/campaigns`);
      await page.locator('tbody tr').nth(49).waitFor();
      renders.push(performance.now() - start);
      await page.goto('about:blank');
    }

    const requests: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) requests.push(new URL(r.url()).pathname);
    });
    await page.goto(`${platform.url}/#/campaigns/${running.id}`);
    await page.getByRole('heading', { name: 'Polled' }).waitFor();
    requests.length = 0;
    await page.waitForTimeout(pollSeconds * 1000);
    const perMinute = Math.round((requests.length / pollSeconds) * 60);
    const byPath: Record<string, number> = {};
    for (const r of requests) {
      const key = r.replace(running.id, '{id}');
      byPath[key] = (byPath[key] ?? 0) + 1;
    }

    const result = {
      ...sizes,
      campaigns,
      firstRenderMs: { median: Math.round(median(renders)), all: renders.map(Math.round) },
      pollingRequestsPerMinute: perMinute,
      pollingByPath: byPath,
      pollSeconds,
    };
    return {
      ...result,
      summary:
        `Console: ${(sizes.jsGzipBytes / 1024).toFixed(1)} KB JS + ${(sizes.cssGzipBytes / 1024).toFixed(1)} KB CSS gzipped; ` +
        `campaigns page with ${campaigns} campaigns on screen in ${result.firstRenderMs.median} ms (median of ${loads}); ` +
        `an open running campaign costs ${perMinute} API requests per minute.`,
    };
  } finally {
    await browser.close();
    await platform.stop();
    b.child.kill();
  }
}
