import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import { ulid } from 'ulid';
import {
  type Audience,
  bucketCount,
  type Campaign,
  isSeries,
  runId,
  type TemplateSnapshot,
} from '../domain/campaign';
import { type CampaignAction, transition } from '../domain/campaign-state';
import { NotFoundError, StateConflictError } from '../domain/errors';
// Recipient checks read phone-number metadata: loaded when a campaign is created or a list audience filled.
import { recipientChecks } from '../domain/on-demand';
import type { Page } from '../domain/page';
import { type Counts, emptyCounts } from '../domain/recipient-status';
import type { RecipientInput, RecipientRules, RowProblem } from '../domain/recipients';
import { nextRun, parseScheduleExpression, type Recurrence } from '../domain/recurrence';
import type { SendWindow } from '../domain/send-window';
import type { Template } from '../domain/template';
import type { Logger } from '../logger';
import type {
  AudienceEntry,
  CampaignCounters,
  CampaignScheduler,
  CampaignStore,
  Clock,
  LaunchCheckpoints,
  LaunchQueue,
  ListStore,
  RecipientStore,
  TemplateStore,
} from '../ports';
import { reconcileCounts } from './counters';
import { recipientPages } from './recipient-pages';

export const MAX_RECIPIENTS = 200_000;

export class RecipientsRejectedError extends Error {
  constructor(readonly rows: readonly RowProblem[]) {
    super(`${rows.length} row${rows.length === 1 ? '' : 's'} cannot be used`);
  }
}

export class NothingToRetryError extends Error {}

export interface CampaignServiceDeps {
  readonly campaigns: CampaignStore & CampaignCounters & LaunchCheckpoints;
  readonly recipients: RecipientStore;
  readonly templates: TemplateStore;
  readonly launchQueue: LaunchQueue;
  readonly scheduler: CampaignScheduler;
  readonly lists?: ListStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface NewCampaign {
  readonly name: string;
  readonly templateId: string;
  readonly rows: readonly { row: number; input: RecipientInput }[];
  /** Or: the members of these lists, their contact attributes overridden by `variables`. */
  readonly lists?: readonly string[];
  readonly variables?: Readonly<Record<string, string>>;
  readonly defaultCountry?: CountryCode;
  readonly sendAt?: Date;
  readonly timezone?: string;
  /** Makes the campaign a series: each firing sends to the audience as it is then. */
  readonly recurrence?: Recurrence;
  readonly sendWindow?: SendWindow;
}

export interface CampaignView extends Campaign {
  /** For a series, its latest run's counts. */
  readonly counts: Counts;
  /** Queued recipients waiting for their quiet hours to end. */
  readonly waiting: number;
  /** A scheduled series' next firing. */
  readonly nextRunAt?: string;
}

/** How long one launcher may spend writing an audience before another may take over. */
const FILL_LEASE_MS = 10 * 60_000;

/** Creating campaigns and moving them through their lifecycle; the API and the launcher both use it. */
export class CampaignService {
  constructor(private readonly d: CampaignServiceDeps) {}

  async create(input: NewCampaign): Promise<CampaignView> {
    const template = await this.d.templates.get(input.templateId);
    if (!template) throw new NotFoundError(`template ${input.templateId} does not exist`);
    const fromLists = Boolean(input.lists?.length);
    // List members are checked now, so problems show at once; the audience itself is taken at launch.
    const rows = fromLists ? await this.audienceOf(input.lists!, input.variables ?? {}) : input.rows;
    if (rows.length === 0 && !fromLists)
      throw new RecipientsRejectedError([{ row: 0, phone: '', problems: ['no recipients'] }]);
    if (rows.length > MAX_RECIPIENTS) {
      throw new RecipientsRejectedError([
        {
          row: 0,
          phone: '',
          problems: [`at most ${MAX_RECIPIENTS} recipients per campaign (got ${rows.length})`],
        },
      ]);
    }
    const { validateRecipients } = await recipientChecks();
    const checked = validateRecipients(rows, rulesFor(template, input.defaultCountry));
    if (!checked.ok) throw new RecipientsRejectedError(checked.rows);

    const now = this.d.clock.now();
    const audience: Audience | undefined = fromLists
      ? {
          lists: input.lists!,
          ...(input.variables ? { variables: input.variables } : {}),
        }
      : undefined;
    const total = audience ? 0 : checked.recipients.length;
    const scheduled = input.recurrence !== undefined || input.sendAt !== undefined;
    const campaign: Campaign = {
      id: ulid(now.getTime()),
      name: input.name,
      state: scheduled ? 'scheduled' : 'draft',
      template: snapshot(template),
      total,
      buckets: bucketCount(total),
      gen: 0,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      duplicatesMerged: checked.duplicatesMerged,
      ...(audience ? { audience, audienceEstimate: checked.recipients.length } : {}),
      ...(input.sendWindow ? { sendWindow: input.sendWindow } : {}),
      ...(input.recurrence ? { recurrence: input.recurrence, runCount: 0 } : {}),
      ...(input.sendAt ? { sendAt: input.sendAt.toISOString() } : {}),
      ...(input.sendAt && input.timezone ? { timezone: input.timezone } : {}),
    };
    await this.d.campaigns.create(campaign, audience ? [] : checked.recipients);
    if (input.recurrence) await this.d.scheduler.scheduleSeries(campaign.id, input.recurrence, true);
    else if (input.sendAt) await this.d.scheduler.scheduleStart(campaign.id, input.sendAt);
    this.d.logger.info('campaign created', {
      campaignId: campaign.id,
      total,
      templateId: template.id,
      ...(audience ? { lists: input.lists } : {}),
      ...(input.recurrence ? { recurrence: input.recurrence.expression } : {}),
    });
    return this.view(campaign.id);
  }

  /** The recipients of list-targeted campaigns: every member once, attributes then campaign values. */
  private async audienceOf(listIds: readonly string[], overrides: Readonly<Record<string, string>>) {
    const lists = this.d.lists;
    if (!lists) throw new Error('lists are not configured in this process');
    const merged = new Map<string, Record<string, string>>();
    for (const id of listIds) {
      if (!(await lists.get(id))) throw new NotFoundError(`list ${id} does not exist`);
      for (const m of await lists.allMembers(id))
        merged.set(m.phone, { ...merged.get(m.phone), ...m.attributes });
    }
    return [...merged].map(([phone, attributes], i) => ({
      row: i + 1,
      input: { phone, variables: { ...attributes, ...overrides } },
    }));
  }

  async view(id: string): Promise<CampaignView> {
    const campaign = await this.d.campaigns.get(id);
    if (!campaign) throw new NotFoundError(`campaign ${id} does not exist`);
    return this.decorate(campaign);
  }

  async list(options: { limit: number; cursor?: string }): Promise<Page<CampaignView>> {
    return this.decoratePage(await this.d.campaigns.list(options));
  }

  /** A series' runs, newest first. */
  async runs(id: string, options: { limit: number; cursor?: string }): Promise<Page<CampaignView>> {
    const series = await this.d.campaigns.get(id);
    if (!series) throw new NotFoundError(`campaign ${id} does not exist`);
    return this.decoratePage(await this.d.campaigns.listRuns(id, options));
  }

  private async decoratePage(page: Page<Campaign>): Promise<Page<CampaignView>> {
    const items = await Promise.all(page.items.map((c) => this.decorate(c)));
    return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  private async decorate(campaign: Campaign): Promise<CampaignView> {
    if (!isSeries(campaign)) return { ...campaign, ...(await this.d.campaigns.tally(campaign.id)) };
    const latest = campaign.lastRunId ? await this.d.campaigns.tally(campaign.lastRunId) : undefined;
    const next = campaign.state === 'scheduled' ? this.nextRunOf(campaign) : undefined;
    return {
      ...campaign,
      counts: latest?.counts ?? { ...emptyCounts(), total: 0 },
      waiting: latest?.waiting ?? 0,
      ...(next ? { nextRunAt: next.toISOString() } : {}),
    };
  }

  private nextRunOf(series: Campaign): Date | undefined {
    const r = series.recurrence!;
    const parsed = parseScheduleExpression(r.expression);
    if (!parsed.ok) return undefined;
    return nextRun(parsed.expression, this.d.clock.now(), {
      zone: r.timezone,
      anchor: new Date(r.startAt ?? series.createdAt),
      ...(r.endAt ? { endAt: new Date(r.endAt) } : {}),
    });
  }

  async start(id: string): Promise<CampaignView> {
    const campaign = await this.get(id);
    const started = await this.move(
      campaign,
      'start',
      { startedAt: this.nowIso(), ...(campaign.audience ? { preparing: true } : {}) },
      { bumpGen: true },
    );
    if (started.sendAt) await this.d.scheduler.cancelStart(id);
    await this.launch(started);
    return this.view(id);
  }

  /** A schedule fired: start unless the campaign was cancelled, started or rescheduled meanwhile. */
  async startFromSchedule(id: string): Promise<boolean> {
    try {
      const campaign = await this.get(id);
      const started = await this.d.campaigns.changeState(
        id,
        ['scheduled'],
        'running',
        { startedAt: this.nowIso(), ...(campaign.audience ? { preparing: true } : {}) },
        { bumpGen: true },
      );
      await this.launch(started);
      return true;
    } catch (error) {
      if (error instanceof StateConflictError || error instanceof NotFoundError) {
        this.d.logger.info('schedule fired for a campaign that is no longer scheduled; nothing to do', {
          campaignId: id,
        });
        return false;
      }
      throw error;
    }
  }

  /**
   * A series' schedule fired for `at`: makes that firing's run (once, however often the firing is
   * delivered) and launches it. A paused or cancelled series, or a firing after endAt, makes nothing.
   */
  async runSeries(id: string, at: Date): Promise<string | undefined> {
    const series = await this.d.campaigns.get(id);
    if (!series?.recurrence || series.state !== 'scheduled') {
      this.d.logger.info('series fired but is not active; no run', { campaignId: id, state: series?.state });
      return undefined;
    }
    const end = series.recurrence.endAt;
    if (end && at.getTime() > Date.parse(end)) return undefined;
    const now = this.nowIso();
    const run: Campaign = {
      id: runId(id, at),
      name: `${series.name} · ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      state: 'running',
      template: series.template,
      total: 0,
      buckets: 1,
      gen: 1,
      createdAt: now,
      updatedAt: now,
      startedAt: now,
      preparing: true,
      seriesId: id,
      runAt: at.toISOString(),
      audience: series.audience ?? { copyOf: id },
      ...(series.sendWindow ? { sendWindow: series.sendWindow } : {}),
    };
    if (await this.d.campaigns.createRun(run)) {
      await this.d.campaigns.noteRun(id, run.id, run.runAt!);
      this.d.logger.info('series run created', { campaignId: id, runId: run.id, runAt: run.runAt });
    }
    // Sent again for a firing delivered twice: harmless, a launch carries on from its checkpoint.
    await this.launch(run);
    return run.id;
  }

  /**
   * Writes the audience of a campaign started with `preparing`: list members (or a series' stored
   * recipients) as they are now. Members who cannot be sent (say, a missing variable) are recorded as
   * failed with the reason rather than holding back everyone else. 'busy' when another launcher is at it.
   */
  async prepare(campaign: Campaign): Promise<Campaign | 'busy'> {
    const token = randomUUID();
    const now = this.d.clock.now();
    if (!(await this.d.campaigns.claimFill(campaign.id, token, now.getTime(), FILL_LEASE_MS))) return 'busy';
    const audience = campaign.audience!;
    const rows =
      'lists' in audience
        ? await this.audienceOf(audience.lists, audience.variables ?? {})
        : await this.storedRows(audience.copyOf);
    const { partitionRecipients } = await recipientChecks();
    const { recipients, rejected } = partitionRecipients(rows, rulesFor(campaign.template));
    const entries: AudienceEntry[] = [
      ...recipients,
      ...rejected.flatMap((r) =>
        r.e164
          ? [
              {
                phone: r.e164,
                variables: {},
                failure: {
                  code: 'invalid_recipient',
                  title: 'Cannot be sent',
                  message: r.problems.join('; '),
                },
              },
            ]
          : [],
      ),
    ];
    if (entries.length > MAX_RECIPIENTS) {
      const reason = `the audience has ${entries.length} recipients; at most ${MAX_RECIPIENTS} per campaign`;
      this.d.logger.error('audience too large; campaign paused', { campaignId: campaign.id, reason });
      return this.d.campaigns.changeState(campaign.id, ['running'], 'paused', {
        pausedAt: now.toISOString(),
        pauseReason: reason,
      });
    }
    const filled = await this.d.campaigns.fillAudience(
      campaign.id,
      token,
      bucketCount(entries.length),
      entries,
      now.toISOString(),
    );
    this.d.logger.info('audience taken at launch', {
      campaignId: campaign.id,
      recipients: recipients.length,
      unsendable: entries.length - recipients.length,
      unreadable: rejected.length - (entries.length - recipients.length),
    });
    return filled;
  }

  /** The recipients stored with a series, as rows for its run. */
  private async storedRows(seriesId: string): Promise<{ row: number; input: RecipientInput }[]> {
    const series = await this.get(seriesId);
    const rows: { row: number; input: RecipientInput }[] = [];
    for await (const page of recipientPages(this.d.recipients, seriesId, series.buckets, { limit: 1000 })) {
      for (const r of page.items)
        rows.push({ row: rows.length + 1, input: { phone: r.phone, variables: r.variables } });
    }
    return rows;
  }

  /** Sets or moves a draft or scheduled campaign's start; the schedule follows. */
  async reschedule(id: string, at: Date, timezone?: string): Promise<CampaignView> {
    await this.move(
      id,
      'schedule',
      { sendAt: at.toISOString(), ...(timezone ? { timezone } : {}) },
      timezone ? {} : { clear: ['timezone'] },
    );
    await this.d.scheduler.scheduleStart(id, at);
    return this.view(id);
  }

  /**
   * Pausing a series holds its schedule (no runs until resumed) and pauses the run under way, so its
   * sending stops now too; resuming the series resumes that run, and cancelling it cancels the run.
   */
  async pause(id: string, reason?: string): Promise<CampaignView> {
    const paused = await this.move(id, 'pause', {
      pausedAt: this.nowIso(),
      ...(reason ? { pauseReason: reason } : {}),
    });
    if (paused.recurrence) {
      await this.d.scheduler.scheduleSeries(id, paused.recurrence, false);
      await this.alongWithRun(paused, 'pause');
    }
    return this.view(id);
  }

  async resume(id: string): Promise<CampaignView> {
    const resumed = await this.move(id, 'resume', {}, { bumpGen: true, clear: ['pausedAt', 'pauseReason'] });
    if (resumed.recurrence) {
      await this.d.scheduler.scheduleSeries(id, resumed.recurrence, true);
      await this.alongWithRun(resumed, 'resume');
    } else await this.launch(resumed);
    return this.view(id);
  }

  async cancel(id: string): Promise<CampaignView> {
    const cancelled = await this.move(id, 'cancel', { cancelledAt: this.nowIso() });
    if (cancelled.sendAt || cancelled.recurrence) await this.d.scheduler.cancelStart(id);
    if (cancelled.recurrence) await this.alongWithRun(cancelled, 'cancel');
    else await this.d.launchQueue.send({ campaignId: id, gen: cancelled.gen, action: 'cancel' });
    return this.view(id);
  }

  /** Applies a series' pause, resume or cancel to its latest run, when that run is the one affected. */
  private async alongWithRun(series: Campaign, action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    const run = series.lastRunId ? await this.d.campaigns.get(series.lastRunId) : undefined;
    if (!run) return;
    const affected =
      action === 'pause'
        ? run.state === 'running'
        : action === 'resume'
          ? run.state === 'paused' && run.pauseReason === SERIES_PAUSED
          : run.state === 'running' || run.state === 'paused';
    if (!affected) return;
    try {
      if (action === 'pause') await this.pause(run.id, SERIES_PAUSED);
      else if (action === 'resume') await this.resume(run.id);
      else await this.cancel(run.id);
    } catch (error) {
      // The run moved on its own meanwhile (it completed, say): nothing left to do for it.
      if (!(error instanceof StateConflictError)) throw error;
    }
  }

  /** Re-queues recipients whose failure was retryable (and any never attempted), then launches them. */
  async retry(id: string): Promise<CampaignView & { requeued: number }> {
    const campaign = await this.get(id);
    const check = transition(campaign.state, 'retry', isSeries(campaign) ? 'series' : 'campaign');
    if (!check.ok) throw new StateConflictError(check.message, campaign.state);
    let requeued = 0;
    const at = this.nowIso();
    const failed = recipientPages(this.d.recipients, id, campaign.buckets, { status: 'failed', limit: 500 });
    for await (const { bucket, items } of failed) {
      let moved = 0;
      for (const r of items) {
        if (r.retryable && (await this.d.recipients.requeue({ campaignId: id, bucket, phone: r.phone }, at)))
          moved += 1;
      }
      if (moved > 0) await this.d.campaigns.addCounts(id, { failed: -moved, queued: moved });
      requeued += moved;
    }
    const counts = await this.d.campaigns.counts(id);
    if (requeued === 0 && counts.queued === 0) {
      throw new NothingToRetryError('no recipient has a retryable failure or is still waiting to be sent');
    }
    const running = await this.move(
      id,
      'retry',
      {},
      { bumpGen: true, clear: ['completedAt', 'pausedAt', 'pauseReason'] },
    );
    await this.launch(running);
    return { ...(await this.view(id)), requeued };
  }

  /** Checks the counters against the recipient items and corrects a lasting difference. */
  async recount(id: string): Promise<CampaignView> {
    const campaign = await this.d.campaigns.get(id);
    if (!campaign) throw new NotFoundError(`campaign ${id} does not exist`);
    await reconcileCounts(this.d, id, campaign.buckets);
    return this.view(id);
  }

  private async launch(campaign: Campaign): Promise<void> {
    await this.d.launchQueue.send({ campaignId: campaign.id, gen: campaign.gen, action: 'launch' });
  }

  /** Applies a lifecycle action with a conditional write; pass the campaign when it was just read. */
  private async move(
    target: string | Campaign,
    action: CampaignAction,
    patch: Parameters<CampaignStore['changeState']>[3],
    options: Parameters<CampaignStore['changeState']>[4] = {},
  ): Promise<Campaign> {
    const campaign = typeof target === 'string' ? await this.get(target) : target;
    const check = transition(campaign.state, action, isSeries(campaign) ? 'series' : 'campaign');
    if (!check.ok) throw new StateConflictError(check.message, campaign.state);
    return this.d.campaigns.changeState(campaign.id, check.from, check.to, patch, options);
  }

  private async get(id: string): Promise<Campaign> {
    const campaign = await this.d.campaigns.get(id);
    if (!campaign) throw new NotFoundError(`campaign ${id} does not exist`);
    return campaign;
  }

  private nowIso(): string {
    return this.d.clock.now().toISOString();
  }
}

/** Why a run is paused when its series was paused; resuming the series resumes only such runs. */
const SERIES_PAUSED = 'the recurring campaign it belongs to was paused';

function rulesFor(t: Pick<Template, 'variables' | 'defaults'>, defaultCountry?: CountryCode): RecipientRules {
  return {
    requiredVariables: t.variables,
    ...(t.defaults ? { templateDefaults: t.defaults } : {}),
    ...(defaultCountry ? { defaultCountry } : {}),
  };
}

function snapshot(t: Template): TemplateSnapshot {
  return {
    id: t.id,
    version: t.version,
    name: t.name,
    body: t.body,
    category: t.category,
    variables: t.variables,
    ...(t.defaults ? { defaults: t.defaults } : {}),
    ...(t.media ? { media: t.media } : {}),
    ...(t.buttons ? { buttons: t.buttons } : {}),
    ...(t.whatsapp ? { whatsapp: t.whatsapp } : {}),
  };
}
