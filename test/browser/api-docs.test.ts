import { launchBrowser, type TestBrowser } from '../support/browser';
import { bootPlatform, type TestPlatform } from '../support/platform';

describe('the API reference page in Chromium, with no network beyond this machine', () => {
  let p: TestPlatform;
  let browser: TestBrowser;
  beforeAll(async () => {
    p = await bootPlatform();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await p?.stop();
  });

  it('renders every operation from the same origin, loading nothing from elsewhere', async () => {
    const page = await browser.newPage();
    const loaded: string[] = [];
    page.on('request', (r) => loaded.push(r.url()));
    await page.goto(`${p.url}/api/docs`);
    await page.getByText('WhatsApp Business Platform API').first().waitFor({ timeout: 20_000 });
    await page.locator('.opblock').first().waitFor();
    const operations = await page.locator('.opblock').count();
    expect(operations).toBeGreaterThanOrEqual(40);
    await expect(page.getByText('/api/campaigns/{id}/start').first().isVisible()).resolves.toBe(true);

    // Open one operation: its parameters and responses render from the document.
    await page.locator('.opblock-summary-path', { hasText: '/api/templates/{id}/preview' }).first().click();
    await page.getByText('Responses').first().waitFor();
    await browser.screenshot(page, 'api-docs');

    expect(browser.blocked).toEqual([]);
    expect(loaded.every((u) => u.startsWith(p.url) || u.startsWith('data:'))).toBe(true);
    // The strict Content-Security-Policy holds: nothing the page needs was refused.
    expect(browser.errors.filter((e) => /Content Security Policy|Refused/i.test(e))).toEqual([]);
  });
});
