/**
 * The platform's templates and Meta's: keeping Meta's view of the account's templates current (sync
 * from the Graph API, template webhooks), showing it on the platform templates mapped to them, importing
 * a Meta template as a platform template, submitting a platform template for approval, and the check a
 * campaign passes before it sends through a Meta template. Running campaigns are paused when their
 * template stops being sendable.
 */
import { forEachLimit } from '../concurrency';
import type { TemplateSnapshot } from '../domain/campaign';
import { NotFoundError, StateConflictError } from '../domain/errors';
import {
  BLOCKING_STATUSES,
  importMetaTemplate,
  type MetaTemplate,
  type MetaTemplateFacts,
  type MetaTemplateView,
  metaTemplateLabel,
  metaView,
  platformCategory,
  readGraphTemplate,
  recordChanged,
  recordFromSync,
  recordFromUpdate,
  type SendCheck,
  sendCheck,
  type TemplateWebhookUpdate,
  templatePauseReason,
} from '../domain/meta-template';
import { META_TEMPLATE_LIMITS, planSubmission, type SubmitOptions } from '../domain/meta-template-submit';
import {
  checkTemplateDefinition,
  type Template,
  type TemplateCategory,
  type TemplateDefinition,
  templateVariables,
} from '../domain/template';
import { templateStatusEvent } from '../domain/webhooks/announce';
import type { SendFailure } from '../domain/whatsapp-errors';
import type { Logger } from '../logger';
import type {
  CampaignStore,
  CampaignTemplateUpdates,
  Clock,
  EventPublisher,
  MetaTemplateApi,
  MetaTemplateKey,
  MetaTemplateStore,
  TemplateStore,
} from '../ports';

/** Why a template action cannot be done, with the HTTP status and code the API answers. */
export class MetaTemplateRefusal extends Error {
  constructor(
    readonly status: 404 | 409 | 422 | 502,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface MetaTemplatesDeps {
  readonly store: MetaTemplateStore;
  /** The Graph API; unset in DEV mode or without WHATSAPP_BUSINESS_ACCOUNT_ID (`unavailable` says why). */
  readonly api?: MetaTemplateApi;
  readonly unavailable?: string;
  /**
   * Whether campaigns are checked against Meta's view before they send (LIVE mode with a WhatsApp Business
   * Account id): without an account there is nothing to check against.
   */
  readonly guard: boolean;
  /**
   * The platform's templates (import, submit, categories following Meta's); the events function, which
   * applies webhooks only, has none: syncs bring them up to date.
   */
  readonly templates?: TemplateStore;
  /** Drop the records of campaigns that ended when a pause looks them up (true unless said otherwise). */
  readonly pruneUses?: boolean;
  readonly campaigns?: Pick<CampaignStore, 'get' | 'changeState'> & Partial<CampaignTemplateUpdates>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where a status change is announced (template.status_changed), best effort. */
  readonly events?: EventPublisher;
}

export interface SyncResult {
  /** Templates Meta listed, and how many pages it took. */
  readonly fetched: number;
  readonly pages: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Known before and no longer listed: marked DELETED. */
  readonly removed: number;
  /** Listed templates no platform template is mapped to: POST /api/templates/import makes one. */
  readonly importable: number;
  /** Running campaigns paused because their template is no longer sendable. */
  readonly campaignsPaused: number;
  readonly syncedAt: string;
}

export interface ImportInput {
  readonly name: string;
  readonly language: string;
  readonly as?: string;
  readonly variables?: Readonly<Record<string, string>>;
  readonly mediaUrl?: string;
}

const keyOf = (k: MetaTemplateKey) => `${k.name}#${k.language}`;

export class MetaTemplates {
  constructor(private readonly d: MetaTemplatesDeps) {}

  /** Whether the platform reads from and writes to Meta's account (LIVE with an account id and token). */
  get connected(): boolean {
    return this.d.api !== undefined;
  }

  /** Whether campaigns are checked against Meta's view before they send. */
  get guarded(): boolean {
    return this.d.guard;
  }

  // ---- The send-time guard --------------------------------------------------------------------------

  /**
   * Whether a campaign may send through its template's Meta template now, and the category Meta sends it
   * as. Only templates mapped to a Meta template are checked, and only in LIVE mode with an account id; a
   * template the platform has not seen yet is looked up once by name.
   */
  async check(template: Pick<TemplateSnapshot, 'whatsapp' | 'media'>): Promise<SendCheck> {
    const mapping = template.whatsapp;
    if (!this.d.guard || !mapping) return { ok: true };
    const key = { name: mapping.name, language: mapping.language };
    const meta = (await this.d.store.get(key)) ?? (await this.lookUp(key));
    return sendCheck(template, meta);
  }

  /** Records that a campaign sends through its template, so a pause of the template reaches it. */
  async noteUse(template: Pick<TemplateSnapshot, 'whatsapp'>, campaignId: string): Promise<void> {
    if (!this.d.guard || !template.whatsapp) return;
    await this.d.store.noteUse(template.whatsapp, campaignId);
  }

  /** Fetches one template by name (all its languages) when it is not known yet. */
  private async lookUp(key: MetaTemplateKey): Promise<MetaTemplate | undefined> {
    if (!this.d.api) return undefined;
    const listed = await this.d.api.list({ name: key.name });
    if (!listed.ok) {
      this.d.logger.warn('could not look a template up at Meta', {
        template: key.name,
        error: listed.failure.message,
      });
      return undefined;
    }
    const at = this.nowIso();
    let found: MetaTemplate | undefined;
    for (const raw of listed.items) {
      const facts = readGraphTemplate(raw);
      if (!facts || facts.name !== key.name) continue;
      const record = await this.recordFacts(facts, at);
      if (record && facts.language === key.language) found = record;
    }
    return found;
  }

  // ---- Sync -----------------------------------------------------------------------------------------

  /** Reads every template of the account (all pages) into Meta's view, and applies what changed. */
  async sync(): Promise<SyncResult> {
    const api = this.requireApi('template sync');
    const at = this.nowIso();
    const listed = await api.list();
    if (!listed.ok) throw graphRefusal('could not read the templates from the Graph API', listed.failure);
    const known = new Map((await this.d.store.list()).map((t) => [keyOf(t), t]));
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    let paused = 0;
    const seen = new Set<string>();
    for (const raw of listed.items) {
      const facts = readGraphTemplate(raw);
      if (!facts) continue;
      seen.add(keyOf(facts));
      const before = known.get(keyOf(facts));
      const outcome = await this.recordFacts(facts, at, before);
      if (!outcome) continue;
      if (!before) created += 1;
      else if (recordChanged(before, outcome)) updated += 1;
      else unchanged += 1;
      paused += await this.afterChange(before, outcome);
    }
    let removed = 0;
    for (const [k, gone] of known) {
      if (seen.has(k) || gone.status === 'DELETED') continue;
      const record: MetaTemplate = {
        ...gone,
        status: 'DELETED',
        statusReason: 'no longer in the WhatsApp Business Account',
        lastSyncedAt: at,
        observedAt: at,
        updatedAt: at,
      };
      if (gone.observedAt > at || !(await this.d.store.put(record, gone.observedAt))) continue;
      removed += 1;
      paused += await this.afterChange(gone, record);
    }
    const platform = await this.allPlatformTemplates();
    const mapped = new Set(platform.flatMap((t) => (t.whatsapp ? [keyOf(t.whatsapp)] : [])));
    const importable = [...seen].filter((k) => !mapped.has(k)).length;
    await this.alignCategories(platform, await this.d.store.list());
    const result = {
      fetched: listed.items.length,
      pages: listed.pages,
      created,
      updated,
      unchanged,
      removed,
      importable,
      campaignsPaused: paused,
      syncedAt: at,
    };
    this.d.logger.info('templates synced from Meta', { ...result });
    return result;
  }

  /** Writes what a read of the Graph API said, unless a newer webhook was applied meanwhile. */
  private async recordFacts(
    facts: MetaTemplateFacts,
    at: string,
    before?: MetaTemplate,
  ): Promise<MetaTemplate | undefined> {
    let current = before ?? (await this.d.store.get(facts));
    for (let attempt = 0; attempt < 3; attempt++) {
      if (current && current.observedAt > at) return undefined;
      const record = recordFromSync(current, facts, at);
      if (await this.d.store.put(record, current?.observedAt)) return record;
      current = await this.d.store.get(facts);
    }
    return undefined;
  }

  // ---- Webhooks -------------------------------------------------------------------------------------

  /** Applies a template webhook: status, quality or category, then what follows from it. */
  async apply(update: TemplateWebhookUpdate): Promise<void> {
    const key = { name: update.name, language: update.language };
    const at = update.at ?? this.nowIso();
    let current = (await this.d.store.get(key)) ?? (await this.lookUp(key));
    for (let attempt = 0; attempt < 5; attempt++) {
      const next = recordFromUpdate(current, update, at);
      if (!next) {
        this.d.logger.info('template webhook older than what is known; nothing to change', {
          template: update.name,
          language: update.language,
          kind: update.kind,
        });
        return;
      }
      if (await this.d.store.put(next, current?.observedAt)) {
        this.d.logger.info('template updated from a webhook', {
          template: update.name,
          language: update.language,
          kind: update.kind,
          status: next.status,
          ...(next.category ? { category: next.category } : {}),
          ...(next.quality ? { quality: next.quality } : {}),
        });
        await this.afterChange(current, next);
        return;
      }
      current = await this.d.store.get(key);
    }
    throw new Error(
      `template ${update.name} (${update.language}) kept changing; the webhook will be retried`,
    );
  }

  /**
   * What follows a change of Meta's view: running campaigns pause when the template stops being sendable,
   * and a completed category change is followed by the platform templates and campaigns using it.
   * Answers how many campaigns were paused.
   */
  private async afterChange(before: MetaTemplate | undefined, after: MetaTemplate): Promise<number> {
    let paused = 0;
    // A change of a known template's status; the first sight of one (a sync, a lookup) is not a change.
    if (before && before.status !== after.status) await this.announceStatus(before, after);
    if (BLOCKING_STATUSES.includes(after.status) && before?.status !== after.status) {
      paused = await this.pauseUsers(after);
    }
    const category = platformCategory(after.category);
    if (category && before?.category && before.category !== after.category) {
      await this.followCategory(after, category);
    }
    return paused;
  }

  private async announceStatus(before: MetaTemplate, after: MetaTemplate): Promise<void> {
    const reason =
      after.status === 'REJECTED' ? (after.rejectedReason ?? after.statusReason) : after.statusReason;
    await this.d.events?.publish([
      templateStatusEvent({
        name: after.name,
        language: after.language,
        status: after.status,
        previousStatus: before.status,
        ...(after.metaId ? { metaId: after.metaId } : {}),
        ...(after.category ? { category: after.category } : {}),
        ...(reason ? { reason } : {}),
        at: after.observedAt,
      }),
    ]);
  }

  /** Platform templates take the category of the Meta template they are mapped to (a sync catches up). */
  private async alignCategories(
    platform: readonly Template[],
    metas: readonly MetaTemplate[],
  ): Promise<void> {
    const byKey = new Map(metas.map((m) => [keyOf(m), m]));
    for (const t of platform) {
      const meta = t.whatsapp ? byKey.get(keyOf(t.whatsapp)) : undefined;
      const category = platformCategory(meta?.category);
      if (meta && category && category !== t.category && meta.status !== 'DELETED') {
        await this.recategorize(t, category);
      }
    }
  }

  private async pauseUsers(meta: MetaTemplate): Promise<number> {
    const campaigns = this.d.campaigns;
    if (!campaigns) return 0;
    const reason = templatePauseReason(meta);
    let paused = 0;
    await forEachLimit(await this.d.store.uses(meta), 16, async (id) => {
      const campaign = await campaigns.get(id);
      if (!campaign || campaign.state === 'completed' || campaign.state === 'cancelled') {
        if (this.d.pruneUses !== false) await this.d.store.dropUse(meta, id);
        return;
      }
      if (campaign.state !== 'running') return;
      try {
        await campaigns.changeState(id, ['running'], 'paused', {
          pausedAt: this.nowIso(),
          pauseReason: reason,
        });
        paused += 1;
        this.d.logger.warn('campaign paused: its WhatsApp template cannot be sent', {
          campaignId: id,
          template: meta.name,
          language: meta.language,
          status: meta.status,
        });
      } catch (error) {
        if (!(error instanceof StateConflictError)) throw error;
      }
    });
    return paused;
  }

  /** Meta completed a category change: the template is sent as its new category from now on. */
  private async followCategory(meta: MetaTemplate, category: TemplateCategory): Promise<void> {
    if (this.d.templates) {
      for (const t of await this.allPlatformTemplates()) {
        const m = t.whatsapp;
        if (m && m.name === meta.name && m.language === meta.language && t.category !== category) {
          await this.recategorize(t, category);
        }
      }
    }
    const campaigns = this.d.campaigns;
    if (!campaigns?.setTemplateCategory) return;
    for (const id of await this.d.store.uses(meta)) {
      const campaign = await campaigns.get(id);
      if (campaign && campaign.state !== 'completed' && campaign.state !== 'cancelled') {
        await campaigns.setTemplateCategory(id, category);
      }
    }
  }

  private async recategorize(t: Template, category: TemplateCategory): Promise<void> {
    const { id, version, createdAt: _c, updatedAt: _u, variables: _v, ...def } = t;
    const next: TemplateDefinition = { ...def, category };
    if (!this.d.templates || checkTemplateDefinition(next).length > 0) return;
    try {
      await this.d.templates.replace(id, { ...next, variables: templateVariables(next) }, version);
      this.d.logger.info("template's category follows Meta's", { templateId: id, category });
    } catch (error) {
      this.d.logger.warn("could not follow Meta's category on a template", {
        templateId: id,
        error: String(error),
      });
    }
  }

  private async allPlatformTemplates(): Promise<Template[]> {
    const store = this.d.templates;
    if (!store) return [];
    const all: Template[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 100, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }

  // ---- Views for the API ----------------------------------------------------------------------------

  /** Meta's view of each mapped template, by platform template id. */
  async viewsFor(templates: readonly Template[]): Promise<Map<string, MetaTemplateView>> {
    const keys = templates.flatMap((t) => (t.whatsapp ? [t.whatsapp] : []));
    const views = new Map<string, MetaTemplateView>();
    if (keys.length === 0) return views;
    const found = new Map((await this.d.store.getMany(keys)).map((m) => [keyOf(m), m]));
    for (const t of templates) {
      const meta = t.whatsapp ? found.get(keyOf(t.whatsapp)) : undefined;
      if (meta) views.set(t.id, metaView(meta));
    }
    return views;
  }

  /** Every Meta template known, with the platform templates mapped to it. */
  async list(): Promise<(MetaTemplate & { templateIds: string[] })[]> {
    const [metas, templates] = await Promise.all([this.d.store.list(), this.allPlatformTemplates()]);
    return metas
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)))
      .map((m) => ({
        ...m,
        templateIds: templates.filter((t) => t.whatsapp && keyOf(t.whatsapp) === keyOf(m)).map((t) => t.id),
      }));
  }

  // ---- Import and submit ----------------------------------------------------------------------------

  /** A Meta template the platform knows becomes a platform template mapped to it. */
  async importTemplate(input: ImportInput): Promise<{ template: Template; notes: readonly string[] }> {
    const key = { name: input.name, language: input.language };
    const meta = (await this.d.store.get(key)) ?? (await this.lookUp(key));
    if (!meta || meta.status === 'DELETED') {
      throw new NotFoundError(
        `${metaTemplateLabel(input.name, input.language)} is not known: sync the account's templates first (POST /api/templates/sync)`,
      );
    }
    if (meta.components.length === 0) {
      throw new MetaTemplateRefusal(
        409,
        'not_synced',
        `${metaTemplateLabel(meta.name, meta.language)} is known only from webhooks: sync first (POST /api/templates/sync)`,
      );
    }
    const outcome = importMetaTemplate(meta, {
      ...(input.as ? { name: input.as } : {}),
      ...(input.variables ? { variables: input.variables } : {}),
      ...(input.mediaUrl ? { mediaUrl: input.mediaUrl } : {}),
    });
    if (!outcome.ok) {
      throw new MetaTemplateRefusal(
        422,
        'cannot_import',
        `${metaTemplateLabel(meta.name, meta.language)} cannot be imported: ${outcome.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
        outcome.problems,
      );
    }
    const problems = checkTemplateDefinition(outcome.definition);
    if (problems.length > 0) {
      throw new MetaTemplateRefusal(
        422,
        'cannot_import',
        `the imported template would be invalid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
        problems,
      );
    }
    const template = await this.platformTemplates().create({
      ...outcome.definition,
      variables: templateVariables(outcome.definition),
    });
    this.d.logger.info('Meta template imported', {
      templateId: template.id,
      template: meta.name,
      language: meta.language,
    });
    return { template, notes: outcome.notes };
  }

  /**
   * Creates a Meta template from a platform template and maps the platform template to it. Meta's rules
   * are checked first (422 naming each broken rule), then the hourly creation budget; Meta's answer (its
   * id, PENDING) is kept, and the approval or rejection arrives later by webhook or sync.
   */
  async submit(id: string, options: SubmitOptions): Promise<{ template: Template; meta: MetaTemplate }> {
    const api = this.requireApi('submitting templates');
    const template = await this.platformTemplates().get(id);
    if (!template) throw new NotFoundError(`template ${id} does not exist`);
    const plan = planSubmission(template, options);
    if (!plan.ok) {
      throw new MetaTemplateRefusal(
        422,
        'meta_template_rule',
        plan.problems.map((p) => `${p.rule}: ${p.message}`).join('; '),
        { rule: plan.problems[0]!.rule, problems: plan.problems },
      );
    }
    const key = { name: plan.request.name, language: plan.request.language };
    const existing = await this.d.store.get(key);
    if (existing && existing.status !== 'DELETED') {
      throw new MetaTemplateRefusal(
        409,
        'already_in_account',
        `${metaTemplateLabel(key.name, key.language)} is already in the WhatsApp Business Account (${existing.status}); map the template to it, or submit under another name`,
      );
    }
    const now = this.d.clock.now();
    const slot = await this.d.store.takeCreation(now.getTime(), META_TEMPLATE_LIMITS.creationsPerHour);
    if (!slot.ok) {
      const next = new Date(slot.nextAt).toISOString();
      throw new MetaTemplateRefusal(
        422,
        'meta_template_rule',
        `creation_rate: Meta allows ${META_TEMPLATE_LIMITS.creationsPerHour} template creations per hour for the account; the next one can go at ${next}`,
        { rule: 'creation_rate', nextAt: next },
      );
    }
    const created = await api.create(plan.request);
    if (!created.ok) {
      const f = created.failure;
      if (f.action === 'retry') throw graphRefusal('Meta could not be reached to create the template', f);
      throw new MetaTemplateRefusal(
        422,
        'meta_rejected',
        `Meta refused the template: ${f.message}${f.details ? ` (${f.details})` : ''}`,
        { code: f.code, title: f.title, ...(f.details ? { details: f.details } : {}) },
      );
    }
    const at = now.toISOString();
    const record: MetaTemplate = {
      metaId: created.id,
      name: key.name,
      language: key.language,
      status: created.status,
      category: created.category ?? plan.request.category,
      parameterFormat: 'named',
      components: plan.request.components as unknown as MetaTemplate['components'],
      submittedAt: at,
      observedAt: at,
      updatedAt: at,
    };
    // A webhook (the review's outcome) may already have written it: the newer record stays.
    if (!(await this.d.store.put(record, existing?.observedAt))) {
      this.d.logger.info('template record written meanwhile (a webhook was faster)', { template: key.name });
    }
    const { id: _id, version, createdAt: _c, updatedAt: _u, variables: _v, ...def } = template;
    const mapped: TemplateDefinition = { ...def, whatsapp: plan.mapping };
    const updated = await this.platformTemplates().replace(
      id,
      { ...mapped, variables: templateVariables(mapped) },
      version,
    );
    this.d.logger.info('template submitted to Meta', {
      templateId: id,
      template: key.name,
      language: key.language,
      metaId: created.id,
      status: created.status,
    });
    return { template: updated, meta: (await this.d.store.get(key)) ?? record };
  }

  private platformTemplates(): TemplateStore {
    if (!this.d.templates) throw new Error('this function has no access to the platform templates');
    return this.d.templates;
  }

  private requireApi(what: string): MetaTemplateApi {
    if (this.d.api) return this.d.api;
    throw new MetaTemplateRefusal(
      409,
      'meta_not_configured',
      `${what} needs Meta's WhatsApp Business Account: ${this.d.unavailable ?? 'set WHATSAPP_BUSINESS_ACCOUNT_ID in LIVE mode'}`,
    );
  }

  private nowIso(): string {
    return this.d.clock.now().toISOString();
  }
}

function graphRefusal(what: string, f: SendFailure): MetaTemplateRefusal {
  return new MetaTemplateRefusal(
    502,
    'graph_error',
    `${what}: ${f.message}${f.details ? ` (${f.details})` : ''}`,
    {
      code: f.code,
      title: f.title,
      ...(f.httpStatus ? { httpStatus: f.httpStatus } : {}),
    },
  );
}
