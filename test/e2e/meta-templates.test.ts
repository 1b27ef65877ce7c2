/**
 * Templates and Meta's account in LIVE mode, against the fake Graph API through the production client:
 * sync (several pages), import, the send-time guard, template webhooks (signed, shaped like Meta's) that
 * approve and pause, and submitting a template for approval.
 */
import type { LaunchCommand } from '../../functions/domain/campaign';
import { signPayload } from '../../functions/domain/webhook-signature';
import { TEMPLATE_SYNC } from '../../functions/resources';
import { action, createCampaign, createTemplate, getCampaign, waitForState } from '../support/campaign-api';
import { FakeGraphServer } from '../support/fake-graph';
import {
  type FakeTemplate,
  templateCategoryWebhook,
  templateQualityWebhook,
  templateStatusWebhook,
} from '../support/fake-graph-templates';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';

const SECRET = 'meta-templates-secret';

interface TemplateJson {
  id: string;
  name: string;
  category: string;
  variables: string[];
  whatsapp?: { name: string; language: string; parameterFormat: string; body: unknown[] };
  meta?: {
    status: string;
    category?: string;
    quality?: string;
    rejectedReason?: string;
    statusReason?: string;
  };
}

describe('Meta templates in LIVE mode against the fake Graph API', () => {
  jest.setTimeout(120_000);
  let graph: FakeGraphServer;
  let p: TestPlatform;
  let orderReady: FakeTemplate;
  let promo: FakeTemplate;

  const hook = async (body: object) => {
    const raw = JSON.stringify(body);
    const res = await fetch(`${p.url}/api/whatsapp/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(raw, SECRET) },
      body: raw,
    });
    expect(res.status).toBe(200);
  };
  const template = async (id: string) => (await (await p.api(`/api/templates/${id}`)).json()) as TemplateJson;
  const metaStatus = (id: string, status: string) =>
    waitFor(
      async () => {
        const t = await template(id);
        return t.meta?.status === status ? t : undefined;
      },
      20_000,
      `template ${id} to be ${status} at Meta`,
    );
  const recipients = (n: number, offset: number) =>
    Array.from({ length: n }, (_, i) => ({
      phone: phoneNumber(offset + i),
      variables: { customerName: `C${i}` },
    }));
  const importAs = async (body: Record<string, unknown>) => {
    const res = await p.api('/api/templates/import', { method: 'POST', json: body });
    expect(res.status).toBe(201);
    return (await res.json()) as { template: TemplateJson; notes: string[] };
  };

  beforeAll(async () => {
    graph = await new FakeGraphServer().start();
    const t = graph.templates;
    t.maxPageSize = 2;
    orderReady = t.add({
      name: 'order_ready',
      language: 'en_US',
      category: 'UTILITY',
      parameter_format: 'POSITIONAL',
      components: [
        { type: 'BODY', text: 'Hi {{1}}, your order is ready.', example: { body_text: [['Ann']] } },
        { type: 'FOOTER', text: 'Thank you for shopping with us' },
      ],
      quality_score: { score: 'GREEN' },
    });
    promo = t.add({
      name: 'winter_promo',
      language: 'en_US',
      status: 'PENDING',
      category: 'MARKETING',
      parameter_format: 'NAMED',
      components: [{ type: 'BODY', text: 'Hi {{first_name}}, winter is here: 20% off.' }],
    });
    t.add({
      name: 'order_ready',
      language: 'de',
      components: [{ type: 'BODY', text: 'Hallo {{1}}, fertig.' }],
    });
    t.add({
      name: 'old_notice',
      language: 'en_US',
      status: 'REJECTED',
      rejected_reason: 'INVALID_FORMAT',
      components: [{ type: 'BODY', text: 'Notice.' }],
    });
    t.add({
      name: 'shipping_update',
      language: 'en_US',
      components: [{ type: 'BODY', text: 'Shipped, {{1}}.' }],
    });
    p = await bootPlatform({
      WHATSAPP_ACCESS_TOKEN: 'test-token',
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_BUSINESS_ACCOUNT_ID: t.businessAccountId,
      WHATSAPP_API_BASE_URL: graph.baseUrl,
      WHATSAPP_REQUEST_TIMEOUT_MS: '3000',
      SEND_RATE_PER_SECOND: '4',
    });
  });
  afterAll(async () => {
    await p?.stop();
    await graph?.stop();
  });

  it("syncs the account's templates over every page and imports one as a platform template", async () => {
    const res = await p.api('/api/templates/sync', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      fetched: 5,
      pages: 3,
      created: 5,
      updated: 0,
      removed: 0,
      importable: 5,
      campaignsPaused: 0,
    });
    const lists = graph.templates.listRequests;
    expect(lists.map((r) => r.after === undefined)).toEqual([true, false, false]);
    expect(lists.every((r) => r.authorization === 'Bearer test-token')).toBe(true);

    const known = (await (await p.api('/api/meta-templates')).json()) as {
      items: {
        name: string;
        language: string;
        status: string;
        rejectedReason?: string;
        templateIds: string[];
      }[];
    };
    expect(known.items.map((m) => `${m.name} ${m.language} ${m.status}`)).toEqual([
      'old_notice en_US REJECTED',
      'order_ready de APPROVED',
      'order_ready en_US APPROVED',
      'shipping_update en_US APPROVED',
      'winter_promo en_US PENDING',
    ]);
    expect(known.items[0]).toMatchObject({ rejectedReason: 'INVALID_FORMAT', templateIds: [] });

    const imported = await importAs({
      name: 'order_ready',
      language: 'en_US',
      variables: { '1': 'customerName' },
    });
    expect(imported.template).toMatchObject({
      name: 'order_ready',
      body: 'Hi {{customerName}}, your order is ready.',
      category: 'utility',
      variables: ['customerName'],
      whatsapp: {
        name: 'order_ready',
        language: 'en_US',
        parameterFormat: 'positional',
        body: ['customerName'],
      },
      meta: { status: 'APPROVED', category: 'UTILITY', quality: 'GREEN', parameterFormat: 'positional' },
    });
    expect(imported.notes.join(' ')).toContain('footer');
    const again = await p.api('/api/templates/sync', { method: 'POST' });
    expect(await again.json()).toMatchObject({ fetched: 5, created: 0, unchanged: 5, importable: 4 });
    // A name already taken is a conflict, and a template Meta does not have is not found.
    expect(
      (
        await p.api('/api/templates/import', {
          method: 'POST',
          json: { name: 'order_ready', language: 'en_US' },
        })
      ).status,
    ).toBe(409);
    expect(
      (await p.api('/api/templates/import', { method: 'POST', json: { name: 'nope', language: 'en_US' } }))
        .status,
    ).toBe(404);
  });

  it('refuses a campaign on a pending template with the reason; the approval webhook lets it start', async () => {
    const { template: promoTemplate } = await importAs({
      name: 'winter_promo',
      language: 'en_US',
      as: 'winter promo',
      variables: { first_name: 'customerName' },
    });
    expect(promoTemplate).toMatchObject({ category: 'marketing', meta: { status: 'PENDING' } });
    const campaign = await createCampaign(p, {
      name: 'winter',
      templateId: promoTemplate.id,
      recipients: recipients(2, 100),
    });
    const refused = await action(p, campaign.id, 'start');
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('template_not_approved');
    expect(body.error.message).toContain('"winter_promo" (en_US) is PENDING, not APPROVED');
    expect((await getCampaign(p, campaign.id)).state).toBe('draft');

    await hook(templateStatusWebhook(promo, 'APPROVED'));
    await metaStatus(promoTemplate.id, 'APPROVED');
    expect((await action(p, campaign.id, 'start')).status).toBe(200);
    await waitForState(p, campaign.id, 'completed');
    const sends = graph.requests.filter((r) => r.path.endsWith('/messages') && r.body.type === 'template');
    const promoSends = sends.filter((r) => (r.body.template as { name: string }).name === 'winter_promo');
    expect(promoSends).toHaveLength(2);
    expect((promoSends[0]!.body.template as { components: unknown[] }).components).toEqual([
      {
        type: 'body',
        parameters: [{ type: 'text', parameter_name: 'first_name', text: expect.stringMatching(/^C[01]$/) }],
      },
    ]);
  });

  it('pauses a running campaign when its template is paused, and resumes it once approved again', async () => {
    const list = (await (await p.api('/api/templates')).json()) as { items: TemplateJson[] };
    const ready = list.items.find((t) => t.name === 'order_ready')!;
    const campaign = await createCampaign(p, {
      name: 'pickup',
      templateId: ready.id,
      recipients: recipients(40, 200),
    });
    expect((await action(p, campaign.id, 'start')).status).toBe(200);
    await waitFor(async () => ((await getCampaign(p, campaign.id)).counts.sent > 0 ? true : undefined));

    await hook(templateStatusWebhook(orderReady, 'PAUSED', { reason: 'Low quality: customers blocked it' }));
    const paused = await waitForState(p, campaign.id, 'paused');
    expect(paused.pauseReason).toBe(
      'WhatsApp template "order_ready" (en_US) is PAUSED (Low quality: customers blocked it): resume the campaign once Meta approves it again',
    );
    expect(paused.counts.queued).toBeGreaterThan(0);
    expect((await template(ready.id)).meta).toMatchObject({
      status: 'PAUSED',
      statusReason: 'Low quality: customers blocked it',
    });

    const early = await action(p, campaign.id, 'resume');
    expect(early.status).toBe(422);
    expect(((await early.json()) as { error: { message: string } }).error.message).toContain('is PAUSED');

    await hook(templateStatusWebhook(orderReady, 'APPROVED'));
    await metaStatus(ready.id, 'APPROVED');
    expect((await action(p, campaign.id, 'resume')).status).toBe(200);
    const done = await waitForState(p, campaign.id, 'completed', 60_000);
    expect(done.counts).toMatchObject({ total: 40, sent: 40, failed: 0 });
  });

  it('shows quality and completed category changes; a sync brings the platform template along', async () => {
    const list = (await (await p.api('/api/templates')).json()) as { items: TemplateJson[] };
    const ready = list.items.find((t) => t.name === 'order_ready')!;
    await hook(templateQualityWebhook(orderReady, 'GREEN', 'YELLOW'));
    await hook(
      templateCategoryWebhook(orderReady, { current: 'UTILITY', correct: 'MARKETING', at: 1_900_000_000 }),
    );
    const announced = await waitFor(async () => {
      const t = await template(ready.id);
      return t.meta?.quality === 'YELLOW' && t.meta && 'pendingCategory' in t.meta ? t : undefined;
    });
    expect(announced.meta).toMatchObject({ category: 'UTILITY', pendingCategory: { category: 'MARKETING' } });

    await hook(templateCategoryWebhook(orderReady, { previous: 'UTILITY', next: 'MARKETING' }));
    const moved = await waitFor(async () => {
      const t = await template(ready.id);
      return t.meta?.category === 'MARKETING' ? t : undefined;
    });
    expect(moved.meta).toMatchObject({ previousCategory: 'UTILITY' });
    orderReady.category = 'MARKETING';
    await p.api('/api/templates/sync', { method: 'POST' });
    expect(await template(ready.id)).toMatchObject({
      category: 'marketing',
      meta: { category: 'MARKETING' },
    });
  });

  it('keeps a 15-minute template sync on the local timer, which the launcher runs from the launch queue', async () => {
    expect(p.scheduler.get(TEMPLATE_SYNC.scheduleName)).toMatchObject({
      payload: { action: 'sync_templates' },
      recurrence: { expression: 'rate(15 minutes)' },
    });
    const before = graph.templates.listRequests.length;
    await p.deps.launchQueue.send(TEMPLATE_SYNC.command as unknown as LaunchCommand);
    await waitFor(async () => (graph.templates.listRequests.length >= before + 3 ? true : undefined));
  });

  it("submits a template for approval after checking Meta's rules, and shows the rejection that comes back", async () => {
    const adjacent = await createTemplate(p, {
      name: 'adjacent',
      body: 'Hello {{customerName}} {{discount}} off today!',
    });
    const refused = await p.api(`/api/templates/${adjacent}/submit`, {
      method: 'POST',
      json: { name: 'adjacent_offer', language: 'en_US', examples: { customerName: 'Ann', discount: '10%' } },
    });
    expect(refused.status).toBe(422);
    const error = (
      (await refused.json()) as { error: { code: string; message: string; details: { rule: string } } }
    ).error;
    expect(error).toMatchObject({ code: 'meta_template_rule', details: { rule: 'adjacent_variables' } });
    expect(error.message).toContain(
      'adjacent_variables: body has {{customerName}} and {{discount}} next to each other',
    );
    expect(graph.templates.creations).toHaveLength(0);

    const id = await createTemplate(p, {
      name: 'loyalty',
      category: 'marketing',
      body: 'Hello {{customerName}}, you have {{points}} points to spend.',
      buttons: [{ title: 'Shop now' }],
      whatsapp: { name: 'loyalty_points', language: 'en_US', body: ['customerName', 'points'] },
    });
    const submitted = await p.api(`/api/templates/${id}/submit`, {
      method: 'POST',
      json: { examples: { customerName: 'Ann', points: '120' }, footer: 'Reply STOP to opt out' },
    });
    expect(submitted.status).toBe(201);
    expect(await submitted.json()).toMatchObject({
      whatsapp: {
        name: 'loyalty_points',
        language: 'en_US',
        parameterFormat: 'named',
        body: [{ parameter: 'customer_name', variable: 'customerName' }, 'points'],
      },
      meta: { status: 'PENDING', category: 'MARKETING', parameterFormat: 'named' },
    });
    expect(graph.templates.creations).toHaveLength(1);
    expect(graph.templates.creations[0]!.authorization).toBe('Bearer test-token');
    expect(graph.templates.creations[0]!.body).toEqual({
      name: 'loyalty_points',
      language: 'en_US',
      category: 'MARKETING',
      parameter_format: 'NAMED',
      components: [
        {
          type: 'BODY',
          text: 'Hello {{customer_name}}, you have {{points}} points to spend.',
          example: {
            body_text_named_params: [
              { param_name: 'customer_name', example: 'Ann' },
              { param_name: 'points', example: '120' },
            ],
          },
        },
        { type: 'FOOTER', text: 'Reply STOP to opt out' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Shop now' }] },
      ],
    });
    const again = await p.api(`/api/templates/${id}/submit`, {
      method: 'POST',
      json: { examples: { customerName: 'Ann', points: '1' } },
    });
    expect(again.status).toBe(409);

    const created = graph.templates.find('loyalty_points', 'en_US')!;
    created.status = 'REJECTED';
    await hook(templateStatusWebhook(created, 'REJECTED', { reason: 'TAG_CONTENT_MISMATCH' }));
    const rejected = await metaStatus(id, 'REJECTED');
    expect(rejected.meta).toMatchObject({ rejectedReason: 'TAG_CONTENT_MISMATCH' });
  });
});
