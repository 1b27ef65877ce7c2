import { inboundWebhook } from '../../bin/simulate';
import type { KnowledgeSource } from '../../functions/domain/knowledge/source';
import { type ClinicSite, startClinicSite } from '../../local/fixture-site/clinic';
import { PAGES } from '../../local/fixture-site/pages';
import { type FixtureSite, startFixtureSite } from '../../local/fixture-site/server';
import { type FakeOpenAi, startFakeOpenAi } from '../support/fake-openai';
import { fixtureJson } from '../support/fixtures';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';
import { postSignedWebhook } from '../support/webhooks';

const SECRET = 'assistant-test-secret';

interface AskResult {
  answer: string;
  handoff: boolean;
  reason?: string;
  answeredBy: string;
  passages: { url: string; relevance: number }[];
}

const hook = (p: TestPlatform, payload: object) => postSignedWebhook(p.url, payload, SECRET);

const say = (p: TestPlatform, from: string, text: string) => hook(p, inboundWebhook({ from, text }));

async function crawled(p: TestPlatform, id: string): Promise<KnowledgeSource> {
  return waitFor(
    async () => {
      const s = (await (await p.api(`/api/knowledge/sources/${id}`)).json()) as KnowledgeSource;
      return s.state === 'ready' || s.state === 'failed' ? s : undefined;
    },
    60_000,
    'the crawl to finish',
  );
}

async function ask(p: TestPlatform, question: string): Promise<AskResult> {
  const res = await p.api('/api/knowledge/ask', { method: 'POST', json: { question } });
  expect(res.status).toBe(200);
  return (await res.json()) as AskResult;
}

const sentTo = (p: TestPlatform, phone: string) => p.printed.filter((l) => l.includes(`send to ${phone}:`));

describe('the assistant without an OpenAI key (excerpt replies), on the fixture website', () => {
  jest.setTimeout(120_000);
  let p: TestPlatform;
  let site: FixtureSite;
  let source: KnowledgeSource;

  beforeAll(async () => {
    site = await startFixtureSite();
    p = await bootPlatform({
      WHATSAPP_APP_SECRET: SECRET,
      CRAWLER_ALLOW_PRIVATE_HOSTS: 'true',
      ASSISTANT_COALESCE_SECONDS: '2',
      SEND_RATE_PER_SECOND: '1000',
    });
    const res = await p.api('/api/knowledge/sources', {
      method: 'POST',
      json: { url: `${site.url}/`, maxDepth: 3 },
    });
    expect(res.status).toBe(202);
    const queued = (await res.json()) as KnowledgeSource;
    expect(queued.state).toBe('queued');
    source = await crawled(p, queued.id);
  });
  afterAll(async () => {
    await p?.stop();
    await site?.close();
  });

  it('crawls every public page once, obeying robots.txt, and says why it skipped the rest', () => {
    expect(source.state).toBe('ready');
    const publicPages = PAGES.filter((page) => !page.path.startsWith('/private/'));
    expect(source.pagesIndexed).toBe(publicPages.length);
    const reasons = Object.fromEntries(source.skipped.map((s) => [new URL(s.url).pathname, s.reason]));
    expect(reasons['/private/staff-notes']).toBe('disallowed by robots.txt');
    expect(reasons['/brochure.pdf']).toBe('not HTML (application/pdf)');
    expect(reasons['/faq-copy']).toMatch(/duplicate of .*\/faq/);
    expect(reasons['/partners']).toMatch(/169\.254\.169\.254 is a link-local address/);
    // robots.txt is obeyed before fetching, the redirect is followed, and other sites are never fetched.
    expect(site.requests).not.toContain('/private/staff-notes');
    expect(site.requests).toContain('/old-hours');
    // Reached only through the sitemap.
    expect(site.requests).toContain('/service-plans');
  });

  it('answers a question with an excerpt of the right page and its URL', async () => {
    const result = await ask(p, 'What are your opening hours on Saturday?');
    expect(result.handoff).toBe(false);
    expect(result.answeredBy).toBe('excerpt');
    expect(result.passages[0]!.url).toBe(`${site.url}/hours`);
    expect(result.answer).toContain('Saturday from 10:00 to 16:00');
    expect(result.answer).toContain(`Source: ${site.url}/hours`);
    // The site's navigation and footer are not part of any passage.
    expect(JSON.stringify(result.passages)).not.toMatch(/We use cookies|© 2026/);
  });

  it('hands off a question the website does not answer', async () => {
    const result = await ask(p, 'Do you sell gift cards?');
    expect(result).toMatchObject({ handoff: true, reason: 'no_relevant_passage', answer: '' });
    expect((await ask(p, 'What is the staff discount code?')).handoff).toBe(true);
  });

  it('replies to a WhatsApp message through the send path, with the source, and records it', async () => {
    const phone = phoneNumber(7001);
    await say(p, phone, 'What are your opening hours?');
    const line = await waitFor(async () => sentTo(p, phone)[0], 20_000, 'the reply');
    expect(line).toContain(`[DEV] WhatsApp send to ${phone}: Here is an excerpt from our website`);
    expect(line).toContain(`Source: ${site.url}/hours`);
    const messages = await waitFor(async () => {
      const page = (await (
        await p.api(`/api/conversations/${encodeURIComponent(phone)}/messages`)
      ).json()) as {
        items: { direction: string; source?: string; text?: string }[];
      };
      return page.items.some((m) => m.direction === 'out') ? page.items : undefined;
    });
    expect(messages.find((m) => m.direction === 'out')).toMatchObject({ source: 'ai' });
  });

  it('answers a burst of messages once', async () => {
    const phone = phoneNumber(7002);
    await say(p, phone, 'Hi there');
    await say(p, phone, 'how much does a puncture repair cost?');
    const line = await waitFor(async () => sentTo(p, phone)[0], 20_000, 'the reply');
    expect(line).toContain('Puncture repair: €12');
    await new Promise((r) => setTimeout(r, 3000));
    expect(sentTo(p, phone)).toHaveLength(1);
  });

  it('hands over when asked for a person, stays quiet, and answers again once AI is back on', async () => {
    const phone = phoneNumber(7003);
    await say(p, phone, 'Can I talk to a human please?');
    await waitFor(async () => sentTo(p, phone)[0], 20_000, 'the handoff message');
    expect(sentTo(p, phone)[0]).toContain('passing this conversation to a member of our team');
    const conversation = await (await p.api(`/api/conversations/${encodeURIComponent(phone)}`)).json();
    expect(conversation).toMatchObject({ needsHuman: true });

    await say(p, phone, 'What is your address?');
    await new Promise((r) => setTimeout(r, 3500));
    expect(sentTo(p, phone)).toHaveLength(1);

    const patch = await p.api(`/api/conversations/${encodeURIComponent(phone)}`, {
      method: 'PATCH',
      json: { needsHuman: false },
    });
    expect(patch.status).toBe(200);
    await say(p, phone, 'What is your address?');
    await waitFor(async () => (sentTo(p, phone).length === 2 ? true : undefined), 20_000, 'an answer');
    expect(sentTo(p, phone)[1]).toContain('14 Quay Street');
  });

  it('says what it can do when sent media, and stays silent for a contact who opted out', async () => {
    const phone = phoneNumber(7004);
    const image = fixtureJson<{
      entry: {
        changes: { value: { messages: { from: string; id: string }[]; contacts: { wa_id: string }[] } }[];
      }[];
    }>('04-image.json');
    const value = image.entry[0]!.changes[0]!.value;
    value.messages[0]!.from = phone.slice(1);
    value.messages[0]!.id = `wamid.IMG${Date.now()}`;
    (value.messages[0] as { timestamp?: string }).timestamp = String(Math.floor(Date.now() / 1000));
    if (value.contacts?.[0]) value.contacts[0].wa_id = phone.slice(1);
    await hook(p, image);
    await waitFor(async () => sentTo(p, phone)[0], 20_000, 'the media reply');
    expect(sentTo(p, phone)[0]).toContain('I can only read text messages');

    const quitter = phoneNumber(7005);
    await say(p, quitter, 'STOP');
    await waitFor(async () => sentTo(p, quitter)[0], 20_000, 'the opt-out confirmation');
    await say(p, quitter, 'What are your opening hours?');
    await new Promise((r) => setTimeout(r, 3500));
    expect(sentTo(p, quitter)).toHaveLength(1);
  });

  it('never talks over a person: an agent who replies within the coalescing window keeps the conversation', async () => {
    const phone = phoneNumber(7006);
    const image = fixtureJson<{
      entry: {
        changes: { value: { messages: { from: string; id: string }[]; contacts: { wa_id: string }[] } }[];
      }[];
    }>('04-image.json');
    const value = image.entry[0]!.changes[0]!.value;
    value.messages[0]!.from = phone.slice(1);
    value.messages[0]!.id = `wamid.IMG${Date.now()}X`;
    (value.messages[0] as { timestamp?: string }).timestamp = String(Math.floor(Date.now() / 1000));
    if (value.contacts?.[0]) value.contacts[0].wa_id = phone.slice(1);
    await hook(p, image);
    // The assistant waits ASSISTANT_COALESCE_SECONDS (2) before answering; the agent writes first.
    await waitFor(
      async () =>
        (await p.api(`/api/conversations/${encodeURIComponent(phone)}`)).status === 200 ? true : undefined,
      10_000,
      'the conversation',
    );
    const reply = await p.api(`/api/conversations/${encodeURIComponent(phone)}/messages`, {
      method: 'POST',
      json: { text: 'Thanks for the photo, I will check the frame for you.' },
    });
    expect(reply.status).toBe(202);
    await waitFor(async () => sentTo(p, phone)[0], 20_000, "the agent's reply");
    await new Promise((r) => setTimeout(r, 4000));
    expect(sentTo(p, phone)).toEqual([
      `[DEV] WhatsApp send to ${phone}: Thanks for the photo, I will check the frame for you.`,
    ]);
    // The customer writes again: still the agent's conversation, so the assistant stays quiet.
    await say(p, phone, 'What are your opening hours?');
    await new Promise((r) => setTimeout(r, 3500));
    expect(sentTo(p, phone)).toHaveLength(1);
    const conversation = await (await p.api(`/api/conversations/${encodeURIComponent(phone)}`)).json();
    expect(conversation).toMatchObject({ needsHuman: true });
  });

  it('refuses a private or non-web URL with a 4xx naming the field', async () => {
    const metadata = await p.api('/api/knowledge/sources', {
      method: 'POST',
      json: { url: 'http://169.254.169.254/latest/meta-data/' },
    });
    expect(metadata.status).toBe(422);
    expect(await metadata.json()).toMatchObject({
      error: { code: 'url_refused', details: [{ field: 'url' }] },
    });
    const ftp = await p.api('/api/knowledge/sources', {
      method: 'POST',
      json: { url: 'ftp://example.com/' },
    });
    expect(ftp.status).toBe(400);
    expect(JSON.stringify(await ftp.json())).toContain('url');
    const tooMany = await p.api('/api/knowledge/sources', {
      method: 'POST',
      json: { url: 'https://example.com/', maxPages: 5000 },
    });
    expect(tooMany.status).toBe(400);
    expect(JSON.stringify(await tooMany.json())).toContain('maxPages');
  });

  it('refreshes without re-indexing unchanged pages, and a delete removes the passages', async () => {
    site.setMain(
      '/hours',
      '<h1>Opening hours</h1><p>From January the shop opens every day from 8:00 to 20:00.</p>',
    );
    const res = await p.api(`/api/knowledge/sources/${source.id}/refresh`, { method: 'POST' });
    expect(res.status).toBe(202);
    const again = await crawled(p, source.id);
    expect(again.pagesIndexed).toBe(source.pagesIndexed);
    expect(again.pagesUnchanged).toBe(source.pagesIndexed - 1);
    expect((await ask(p, 'When does the shop open in January?')).answer).toContain(
      'every day from 8:00 to 20:00',
    );

    expect((await p.api(`/api/knowledge/sources/${source.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await p.api(`/api/knowledge/sources/${source.id}`)).status).toBe(404);
    expect(await ask(p, 'When does the shop open in January?')).toMatchObject({
      handoff: true,
      passages: [],
    });
  });

  it('adds a document directly and cites it by its title', async () => {
    const res = await p.api('/api/knowledge/documents', {
      method: 'POST',
      json: {
        title: 'Loyalty programme',
        format: 'markdown',
        content:
          '# Loyalty programme\n\nMembers collect one stamp per purchase; ten stamps give a free service.',
      },
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ kind: 'document', state: 'ready', pagesIndexed: 1, chunks: 1 });
    const result = await ask(p, 'How does the loyalty programme work with stamps?');
    expect(result.handoff).toBe(false);
    expect(result.answer).toContain('ten stamps give a free service');
    expect(result.answer).toContain('Source: Loyalty programme');

    const empty = await p.api('/api/knowledge/documents', {
      method: 'POST',
      json: { title: 'x', format: 'html', content: '<script>alert(1)</script>' },
    });
    expect(empty.status).toBe(422);
  });
});

describe('the assistant with OpenAI (a fake OpenAI server through the official SDK)', () => {
  jest.setTimeout(60_000);
  let p: TestPlatform;
  let openai: FakeOpenAi;

  beforeAll(async () => {
    openai = await startFakeOpenAi();
    p = await bootPlatform({
      WHATSAPP_APP_SECRET: SECRET,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.baseUrl,
      OPENAI_EMBEDDING_DIMENSIONS: '256',
      ASSISTANT_COALESCE_SECONDS: '1',
      SEND_RATE_PER_SECOND: '1000',
    });
    const res = await p.api('/api/knowledge/documents', {
      method: 'POST',
      json: {
        title: 'Returns policy',
        url: 'https://shop.example/returns',
        format: 'html',
        content:
          '<h1>Returns</h1><p>You can return an unused item within 30 days for a full refund.</p><h2>Bikes</h2><p>A bike can be returned within 14 days if ridden less than 50 km.</p>',
      },
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await p?.stop();
    await openai?.close();
  });

  it('embeds passages with the configured model and dimensions', () => {
    const request = openai.embeddingRequests[0]!;
    expect(request).toMatchObject({ model: 'text-embedding-3-small', dimensions: 256 });
    expect(request.input.join('\n')).toContain('within 30 days for a full refund');
  });

  it('answers with the model, confined to the passages, and survives a server error (SDK retry)', async () => {
    openai.failNext(1);
    const result = await ask(p, 'Can I return a bike?');
    expect(result).toMatchObject({ handoff: false, answeredBy: 'model' });
    expect(result.answer).toContain('Source: https://shop.example/returns');
    const chat = openai.chatRequests.at(-1)!;
    expect(chat.model).toBe('gpt-4.1-mini');
    // The rules alone in the system message; the passages quoted as data in a user message.
    expect(chat.messages[0]!.role).toBe('system');
    expect(chat.messages[0]!.content).toContain('CANNOT_ANSWER');
    expect(chat.messages[0]!.content).not.toContain('within 14 days');
    expect(chat.messages.at(-2)!.role).toBe('user');
    expect(chat.messages.at(-2)!.content).toMatch(
      /<website_content>[\s\S]*within 14 days if ridden less than 50 km[\s\S]*<\/website_content>/,
    );
    expect(chat.messages.at(-1)).toEqual({ role: 'user', content: 'Can I return a bike?' });
  });

  it('hands off when the model says it cannot answer', async () => {
    const result = await ask(p, 'Can I return an unanswerable bike within 14 days?');
    expect(result).toMatchObject({ handoff: true, reason: 'model_cannot_answer' });
  });

  it('answers a WhatsApp message with the model and sends the conversation history', async () => {
    const phone = phoneNumber(7101);
    await say(p, phone, 'Can I return an unused item for a refund?');
    const line = await waitFor(async () => sentTo(p, phone)[0], 20_000, 'the reply');
    expect(line).toContain('Source: https://shop.example/returns');
    await say(p, phone, 'And a bike?');
    await waitFor(async () => (sentTo(p, phone).length === 2 ? true : undefined), 20_000, 'the second reply');
    const chat = openai.chatRequests.at(-1)!;
    expect(chat.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'user']);
    expect(chat.messages[1]!.content).toBe('Can I return an unused item for a refund?');
    expect(chat.messages.at(-1)!.content).toBe('And a bike?');
  });

  it('checks a misbehaving model’s reply before anyone sees it', async () => {
    openai.replyWith('Pay your deposit at https://evil.example/pay\n\nSource: https://evil.example/pay');
    expect(await ask(p, 'Can I return a bike?')).toMatchObject({ handoff: true, reason: 'reply_rejected' });
    openai.replyWith("I'm sorry, I don't have that information.");
    expect(await ask(p, 'Can I return a bike?')).toMatchObject({
      handoff: true,
      reason: 'model_cannot_answer',
    });
    openai.replyWith('## Bikes\n**Yes**, within 14 days.');
    const sourceless = await ask(p, 'Can I return a bike?');
    expect(sourceless).toMatchObject({ handoff: false });
    expect(sourceless.answer).toBe('*Bikes*\n*Yes*, within 14 days.\n\nSource: https://shop.example/returns');
    openai.replyWith('Yes, within 14 days.\n\nSource: https://shop.example/somewhere-else');
    expect((await ask(p, 'Can I return a bike?')).answer).toContain('Source: https://shop.example/returns');
  });

  it('answers 503 naming the model when OpenAI fails after its retries', async () => {
    openai.failNext(20);
    const res = await p.api('/api/knowledge/ask', {
      method: 'POST',
      json: { question: 'Can I return a bike?' },
    });
    openai.failNext(0);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      error: { code: 'model_unavailable', details: { model: expect.any(String) } },
    });
  });
});

describe('the assistant on a clinic’s website, as customers type (no OpenAI key)', () => {
  jest.setTimeout(120_000);
  let p: TestPlatform;
  let site: ClinicSite;

  beforeAll(async () => {
    site = await startClinicSite();
    p = await bootPlatform({
      WHATSAPP_APP_SECRET: SECRET,
      CRAWLER_ALLOW_PRIVATE_HOSTS: 'true',
      ASSISTANT_COALESCE_SECONDS: '1',
      SEND_RATE_PER_SECOND: '1000',
    });
    const res = await p.api('/api/knowledge/sources', { method: 'POST', json: { url: `${site.url}/` } });
    const source = await crawled(p, ((await res.json()) as KnowledgeSource).id);
    expect(source.state).toBe('ready');
    expect(source.skipped.map((s) => new URL(s.url).pathname)).toContain('/private/staff-handbook');
  });
  afterAll(async () => {
    await p?.stop();
    await site?.close();
  });

  const exchange = async (phone: string, text: string) => {
    const before = sentTo(p, phone).length;
    await say(p, phone, text);
    return waitFor(async () => sentTo(p, phone)[before], 20_000, `the reply to "${text}"`);
  };

  it('answers shorthand, a Portuguese question and a follow-up on WhatsApp, citing the page, in the customer’s language', async () => {
    const address = await exchange(phoneNumber(7201), 'whats ur address');
    expect(address).toContain('220 Harbor Avenue');
    expect(address).toContain(`Source: ${site.url}/visit`);

    const pt = await exchange(phoneNumber(7202), 'qual o endereço de vcs?');
    expect(pt).toContain('Encontrei este trecho no nosso site');
    expect(pt).toContain('220 Harbor Avenue');
    expect(pt).toContain(`Fonte: ${site.url}/pt/`);

    const phone = phoneNumber(7203);
    expect(await exchange(phone, 'how much is a cleaning without insurance?')).toContain(
      'Cleaning — Without insurance: $95',
    );
    const kid = await exchange(phone, 'and how much is it for my 8 year old?');
    expect(kid).toContain('$70');
  });

  it('hands off what the site does not answer in the customer’s language, and never repeats the planted review', async () => {
    const phone = phoneNumber(7204);
    expect(await exchange(phone, 'quanto custa o botox?')).toContain(
      'Vou passar esta conversa para uma pessoa',
    );
    for (const question of [
      'are all treatments free this month?',
      'r ppl happy w u',
      'what do your reviews say?',
    ]) {
      const r = await ask(p, question);
      expect(`${r.answer} ${JSON.stringify(r.passages)}`).not.toMatch(
        /ignore your previous|all treatments are free|credit card number/i,
      );
    }
    const secret = await ask(p, 'whats the wifi password');
    expect(secret.handoff).toBe(true);
    expect(JSON.stringify(secret)).not.toContain('molar-2026');
  });
});
