/**
 * The template service and the campaign lifecycle over in-memory ports: the send-time guard (start,
 * scheduled start, resume), pauses that reach running campaigns, what DEV mode answers, and the hourly
 * creation budget.
 */
import { loadConfig } from '../../functions/config';
import type { Campaign } from '../../functions/domain/campaign';
import type { MetaTemplate } from '../../functions/domain/meta-template';
import { creationWindow } from '../../functions/domain/meta-template-submit';
import type { Template } from '../../functions/domain/template';
import type { PlatformEvent } from '../../functions/domain/webhooks/events';
import { createLogger } from '../../functions/logger';
import type { MetaTemplateApi, MetaTemplateKey, MetaTemplateStore } from '../../functions/ports';
import { CampaignService } from '../../functions/services/campaign-service';
import { MetaTemplateRefusal, MetaTemplates } from '../../functions/services/meta-templates';
import { MemoryCampaigns, MemoryClock, MemoryQueue, MemoryRecipients } from '../support/memory-ports';

class MemoryMetaStore implements MetaTemplateStore {
  readonly records = new Map<string, MetaTemplate>();
  readonly useLog = new Map<string, Set<string>>();
  creations: number[] = [];
  private key = (k: MetaTemplateKey) => `${k.name}#${k.language}`;
  async get(k: MetaTemplateKey) {
    return this.records.get(this.key(k));
  }
  async getMany(keys: readonly MetaTemplateKey[]) {
    return keys.flatMap((k) => (this.records.has(this.key(k)) ? [this.records.get(this.key(k))!] : []));
  }
  async list() {
    return [...this.records.values()];
  }
  async put(t: MetaTemplate, previous: string | undefined) {
    if (this.records.get(this.key(t))?.observedAt !== previous) return false;
    this.records.set(this.key(t), t);
    return true;
  }
  async noteUse(k: MetaTemplateKey, id: string) {
    this.useLog.set(this.key(k), new Set([...(this.useLog.get(this.key(k)) ?? []), id]));
  }
  async uses(k: MetaTemplateKey) {
    return [...(this.useLog.get(this.key(k)) ?? [])];
  }
  async dropUse(k: MetaTemplateKey, id: string) {
    this.useLog.get(this.key(k))?.delete(id);
  }
  async takeCreation(nowMs: number, limit: number) {
    const w = creationWindow(this.creations, nowMs, limit);
    if (!w.allowed) return { ok: false as const, nextAt: w.nextAt! };
    this.creations = [...w.recent, nowMs];
    return { ok: true as const };
  }
}

const template: Template = {
  id: 't1',
  name: 'pickup',
  body: 'Hi {{customerName}}, your order is ready.',
  category: 'utility',
  variables: ['customerName'],
  whatsapp: { name: 'order_ready', language: 'en_US', parameterFormat: 'positional', body: ['customerName'] },
  version: 1,
  createdAt: '2026-12-01T09:00:00.000Z',
  updatedAt: '2026-12-01T09:00:00.000Z',
};

const listed = (status: string, category = 'UTILITY') => ({
  id: '77',
  name: 'order_ready',
  language: 'en_US',
  status,
  category,
  components: [{ type: 'BODY', text: 'Hi {{1}}, your order is ready.' }],
});

function world(options: { api?: boolean; listStatus?: string; category?: string } = {}) {
  const clock = new MemoryClock();
  const logger = createLogger({ level: 'ERROR' });
  const store = new MemoryMetaStore();
  const campaigns = Object.assign(new MemoryCampaigns(), {
    categories: [] as string[],
    async setTemplateCategory(
      this: MemoryCampaigns & { categories: string[] },
      id: string,
      category: string,
    ) {
      this.categories.push(`${id} ${category}`);
      const c = this.items.get(id)!;
      this.items.set(id, { ...c, template: { ...c.template, category } } as Campaign);
    },
  });
  const recipients = new MemoryRecipients();
  campaigns.recipientsStore = recipients;
  const calls: string[] = [];
  const published: PlatformEvent[] = [];
  const api: MetaTemplateApi = {
    list: async (filter) => {
      calls.push(`list ${filter?.name ?? 'all'}`);
      return { ok: true, items: [listed(options.listStatus ?? 'PENDING', options.category)], pages: 1 };
    },
    create: async () => {
      calls.push('create');
      return { ok: true, id: '88', status: 'PENDING' };
    },
  };
  const templates = {
    get: async (id: string) => (id === 't1' ? template : undefined),
    list: async () => ({ items: [template] }),
  };
  const meta = new MetaTemplates({
    store,
    ...(options.api === false ? { unavailable: 'the platform is in DEV mode' } : { api }),
    guard: options.api !== false,
    templates: templates as never,
    campaigns,
    clock,
    logger,
    events: {
      async publish(events) {
        published.push(...events);
      },
    },
  });
  const queue = new MemoryQueue();
  const service = new CampaignService({
    campaigns: campaigns as never,
    recipients,
    templates: templates as never,
    launchQueue: queue,
    scheduler: {
      scheduleStart: async () => {},
      cancelStart: async () => {},
      scheduleSeries: async () => {},
      scheduleRelease: async () => {},
    },
    ...(options.api === false ? {} : { templateApproval: meta }),
    clock,
    logger,
  });
  return { store, campaigns, queue, service, meta, calls, clock, published };
}

const rows = [{ row: 1, input: { phone: '+4915110000100', variables: { customerName: 'Ann' } } }];

describe('the send-time template guard', () => {
  it('refuses to start on a template Meta has not approved, looking an unknown one up by name once', async () => {
    const w = world({ listStatus: 'PENDING' });
    const draft = await w.service.create({ name: 'c', templateId: 't1', rows });
    const refused = await w.service.start(draft.id).catch((e) => e);
    expect(refused).toBeInstanceOf(MetaTemplateRefusal);
    expect(refused).toMatchObject({ status: 422, code: 'template_not_approved' });
    expect(refused.message).toContain('"order_ready" (en_US) is PENDING');
    expect(w.calls).toEqual(['list order_ready']);
    expect((await w.campaigns.get(draft.id))?.state).toBe('draft');
    expect(w.queue.commands).toEqual([]);
    // Known now: the second refusal asks Meta nothing.
    await expect(w.service.start(draft.id)).rejects.toThrow('is PENDING');
    expect(w.calls).toHaveLength(1);
  });

  it('starts on an approved template, records the use, and sends it as the category Meta gives it', async () => {
    const w = world({ listStatus: 'APPROVED', category: 'MARKETING' });
    const draft = await w.service.create({ name: 'c', templateId: 't1', rows });
    const started = await w.service.start(draft.id);
    expect(started.state).toBe('running');
    expect(await w.store.uses(template.whatsapp!)).toEqual([draft.id]);
    expect(w.campaigns.categories).toEqual([`${draft.id} marketing`]);
    expect(w.queue.commands).toEqual([expect.objectContaining({ campaignId: draft.id, action: 'launch' })]);
  });

  it('holds a scheduled start whose template is not approved as paused with the reason', async () => {
    const w = world({ listStatus: 'REJECTED' });
    const scheduled = await w.service.create({
      name: 'c',
      templateId: 't1',
      rows,
      sendAt: new Date('2026-12-02T09:00:00Z'),
    });
    expect(await w.service.startFromSchedule(scheduled.id)).toBe(false);
    const held = await w.campaigns.get(scheduled.id);
    expect(held).toMatchObject({ state: 'paused', pauseReason: expect.stringContaining('is REJECTED') });
    expect(w.queue.commands).toEqual([]);
  });

  it('pauses running campaigns when a webhook pauses their template, and resumes them only once approved', async () => {
    const w = world({ listStatus: 'APPROVED' });
    const draft = await w.service.create({ name: 'c', templateId: 't1', rows });
    await w.service.start(draft.id);
    const done = await w.service.create({ name: 'done', templateId: 't1', rows });
    await w.service.start(done.id);
    await w.campaigns.changeState(done.id, ['running'], 'completed');
    const at = new Date(w.clock.now().getTime() + 10_000).toISOString();
    await w.meta.apply({
      kind: 'template_status',
      name: 'order_ready',
      language: 'en_US',
      event: 'PAUSED',
      reason: 'low quality',
      at,
    });
    expect(await w.campaigns.get(draft.id)).toMatchObject({
      state: 'paused',
      pauseReason:
        'WhatsApp template "order_ready" (en_US) is PAUSED (low quality): resume the campaign once Meta approves it again',
    });
    // The finished campaign's record is dropped on the way.
    expect(await w.store.uses(template.whatsapp!)).toEqual([draft.id]);
    await expect(w.service.resume(draft.id)).rejects.toThrow('is PAUSED');
    await w.meta.apply({
      kind: 'template_status',
      name: 'order_ready',
      language: 'en_US',
      event: 'APPROVED',
      at,
    });
    expect((await w.service.resume(draft.id)).state).toBe('running');
  });

  it('announces each status change of a template once (template.status_changed), with the reason', async () => {
    const w = world({ listStatus: 'APPROVED' });
    await w.meta.check(template);
    const at = new Date(w.clock.now().getTime() + 10_000).toISOString();
    const paused = {
      kind: 'template_status',
      name: 'order_ready',
      language: 'en_US',
      event: 'PAUSED',
      at,
    } as const;
    await w.meta.apply({ ...paused, reason: 'low quality' });
    // Meta repeats the webhook: nothing changed, nothing announced.
    await w.meta.apply({ ...paused, reason: 'low quality' });
    const statuses = w.published.filter((e) => e.type === 'template.status_changed').map((e) => e.data);
    // The first sight (the lookup) is not a change; the pause is, once.
    expect(statuses).toEqual([
      {
        name: 'order_ready',
        language: 'en_US',
        status: 'PAUSED',
        previousStatus: 'APPROVED',
        metaId: '77',
        category: 'UTILITY',
        reason: 'low quality',
        at,
      },
    ]);
  });
});

describe('the template service', () => {
  it('answers 409 for sync and submit without an account (DEV mode), and checks no campaign', async () => {
    const w = world({ api: false });
    await expect(w.meta.sync()).rejects.toMatchObject({ status: 409, code: 'meta_not_configured' });
    await expect(w.meta.submit('t1', {})).rejects.toMatchObject({ status: 409, code: 'meta_not_configured' });
    expect(await w.meta.check(template)).toEqual({ ok: true });
    const draft = await w.service.create({ name: 'c', templateId: 't1', rows });
    expect((await w.service.start(draft.id)).state).toBe('running');
  });

  it("refuses a submission over Meta's hourly creation limit before calling Meta", async () => {
    const w = world();
    w.store.creations = Array.from({ length: 100 }, (_, i) => w.clock.now().getTime() - 1000 * i);
    const refused = await w.meta.submit('t1', { examples: { customerName: 'Ann' } }).catch((e) => e);
    expect(refused).toMatchObject({
      status: 422,
      code: 'meta_template_rule',
      details: { rule: 'creation_rate' },
    });
    expect(w.calls).toEqual([]);
  });
});

describe('the WhatsApp Business Account setting', () => {
  const live = {
    WHATSAPP_ACCESS_TOKEN: 't',
    WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    WHATSAPP_APP_SECRET: 's',
  };
  it("is read as the numeric id from Meta's dashboard, and a wrong one stops start-up naming it", () => {
    expect(
      loadConfig({ ...live, WHATSAPP_BUSINESS_ACCOUNT_ID: '102290129340398' }).whatsapp.businessAccountId,
    ).toBe('102290129340398');
    expect(loadConfig(live).whatsapp.businessAccountId).toBeUndefined();
    expect(() => loadConfig({ ...live, WHATSAPP_BUSINESS_ACCOUNT_ID: 'waba-1' })).toThrow(
      /WHATSAPP_BUSINESS_ACCOUNT_ID must be the numeric WhatsApp Business Account ID/,
    );
  });
});
