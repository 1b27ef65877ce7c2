import { ulid } from 'ulid';
import { addStats, type Figures, figuresOf, STAT, type StatsDelta, statsOfMove } from '../domain/analytics';
import {
  type Audience,
  bucketCount,
  type Campaign,
  isSeries,
  type TemplateSnapshot,
} from '../domain/campaign';
import { type CampaignAction, transition } from '../domain/campaign-state';
import { NotFoundError, StateConflictError } from '../domain/errors';
import type { SendCheck } from '../domain/meta-template';
// Recipient checks read phone-number metadata: loaded when a campaign is created or a list audience filled.
import { recipientChecks } from '../domain/on-demand';
import type { Page } from '../domain/page';
import { MAX_RECIPIENTS, rulesFor } from '../domain/recipient-rules';
import { emptyCounts, presentCounts, type TimelinePoint } from '../domain/recipient-status';
import type { Template } from '../domain/template';
import type { CampaignStore } from '../ports';
import { CampaignAudience } from './campaign-audience';
import {
  type CampaignServiceDeps,
  type CampaignView,
  CountsChangingError,
  type NewCampaign,
  NothingToRetryError,
  RecipientsRejectedError,
} from './campaign-types';
import { CampaignViews } from './campaign-views';
import { QUIET_MS, reconcileCounts } from './counters';
import { isUsNumber } from './country-zone';
import { MetaTemplateRefusal } from './meta-templates';
import { recipientPages } from './recipient-pages';

export type { CampaignServiceDeps, CampaignView, NewCampaign };
export { CountsChangingError, NothingToRetryError, RecipientsRejectedError };

/** Creating campaigns and moving them through their lifecycle; the API and the launcher both use it. */
export class CampaignService {
  private readonly audience: CampaignAudience;
  private readonly views: CampaignViews;

  constructor(private readonly d: CampaignServiceDeps) {
    this.audience = new CampaignAudience(d);
    this.views = new CampaignViews(d);
  }

  async create(input: NewCampaign): Promise<CampaignView> {
    const template = await this.d.templates.get(input.templateId);
    if (!template) throw new NotFoundError(`template ${input.templateId} does not exist`);
    const fromLists = Boolean(input.lists?.length);
    // List members are checked now, so problems show at once; the audience itself is taken at launch.
    const rows = fromLists ? await this.audience.fromLists(input.lists!, input.variables ?? {}) : input.rows;
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

    const usMarketingSkips = await this.usMarketingSkips(template, checked.recipients);
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
      ...(usMarketingSkips > 0 ? { usMarketingSkips } : {}),
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

  view(id: string): Promise<CampaignView> {
    return this.views.view(id);
  }

  list(options: { limit: number; cursor?: string }): Promise<Page<CampaignView>> {
    return this.views.list(options);
  }

  /** Arrivals in sent, delivered, read and failed per minute (for a series, its latest run's). */
  async timeline(id: string): Promise<TimelinePoint[]> {
    const campaign = await this.get(id);
    const target = campaign.recurrence ? campaign.lastRunId : id;
    return target ? this.d.campaigns.timeline(target) : [];
  }

  /** What the campaign achieved (for a series, its latest run), from its counters. */
  async analytics(id: string): Promise<Figures & { campaignId: string }> {
    const campaign = await this.get(id);
    const target = campaign.recurrence ? campaign.lastRunId : id;
    if (!target) return { campaignId: id, ...figuresOf({}, {}, emptyCounts()) };
    const [tally, summed] = await Promise.all([
      this.d.campaigns.tally(target),
      this.d.campaigns.stats(target),
    ]);
    const { counts } = presentCounts(tally.counts, tally.waiting);
    return { campaignId: target, ...figuresOf(summed.stats, summed.titles, counts) };
  }

  /** A series' runs, newest first. */
  runs(id: string, options: { limit: number; cursor?: string }): Promise<Page<CampaignView>> {
    return this.views.runs(id, options);
  }

  /** A series' schedule fired for `at`: makes that firing's run once, and launches it. */
  runSeries(id: string, at: Date): Promise<string | undefined> {
    return this.audience.runSeries(id, at);
  }

  /** Writes a preparing campaign's audience (services/campaign-audience.ts). */
  prepare(campaign: Campaign): Promise<Campaign | 'busy'> {
    return this.audience.prepare(campaign);
  }

  async start(id: string): Promise<CampaignView> {
    const campaign = await this.get(id);
    await this.approve(campaign, 'start');
    const started = await this.move(
      campaign,
      'start',
      { startedAt: this.nowIso(), ...(campaign.audience ? { preparing: true } : {}) },
      { bumpGen: true },
    );
    if (started.sendAt) await this.d.scheduler.cancelStart(id);
    await this.countTargeted(started);
    await this.launch(started);
    return this.view(id);
  }

  /**
   * How many recipients have US numbers a marketing template will not be sent to (the send worker skips
   * them, sending/campaign-send.ts); for a list audience, among its members as they are now.
   */
  private async usMarketingSkips(
    template: { category: string },
    recipients: readonly { phone: string }[],
  ): Promise<number> {
    if (!this.d.skipUsMarketing || template.category !== 'marketing') return 0;
    let n = 0;
    for (const r of recipients) if (await isUsNumber(r.phone)) n += 1;
    return n;
  }

  /**
   * The account's analytics count a campaign's recipients on the day it starts (a draft never started
   * targets no one). Inline recipients are counted here, once, as the campaign leaves draft or scheduled;
   * an audience taken at launch is counted when it is written. Best effort: the start stands regardless.
   */
  private async countTargeted(campaign: Campaign): Promise<void> {
    if (campaign.audience || campaign.total === 0) return;
    try {
      await this.d.campaigns.addCounts(campaign.id, { stats: { [STAT.targeted]: campaign.total } });
    } catch (error) {
      this.d.logger.error('could not count the campaign for the analytics', {
        campaignId: campaign.id,
        error: String(error),
      });
    }
  }

  /** A schedule fired: start unless the campaign was cancelled, started or rescheduled meanwhile. */
  async startFromSchedule(id: string): Promise<boolean> {
    try {
      const campaign = await this.get(id);
      const verdict = await this.templateVerdict(campaign);
      if (verdict) {
        // Its template cannot be sent: the campaign waits, paused with the reason, to be resumed.
        const paused = await this.d.campaigns.changeState(id, ['scheduled'], 'paused', {
          startedAt: this.nowIso(),
          pausedAt: this.nowIso(),
          pauseReason: verdict.message,
          ...(campaign.audience ? { preparing: true } : {}),
        });
        await this.countTargeted(paused);
        this.d.logger.warn('scheduled campaign paused at its start: its WhatsApp template cannot be sent', {
          campaignId: id,
          reason: verdict.message,
        });
        return false;
      }
      const started = await this.d.campaigns.changeState(
        id,
        ['scheduled'],
        'running',
        { startedAt: this.nowIso(), ...(campaign.audience ? { preparing: true } : {}) },
        { bumpGen: true },
      );
      await this.countTargeted(started);
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
    const before = await this.get(id);
    const paused = await this.move(before, 'pause', {
      pausedAt: this.nowIso(),
      ...(reason ? { pauseReason: reason } : {}),
    });
    if (paused.recurrence) {
      await this.d.scheduler.scheduleSeries(id, paused.recurrence, false);
      await this.alongWithRun(paused, 'pause');
    } else await this.stopSettled(before);
    return this.view(id);
  }

  async resume(id: string): Promise<CampaignView> {
    const campaign = await this.get(id);
    if (!isSeries(campaign)) await this.approve(campaign, 'resume');
    const resumed = await this.move(
      campaign,
      'resume',
      {},
      { bumpGen: true, clear: ['pausedAt', 'pauseReason'] },
    );
    if (resumed.recurrence) {
      await this.d.scheduler.scheduleSeries(id, resumed.recurrence, true);
      await this.alongWithRun(resumed, 'resume');
    } else await this.launch(resumed);
    return this.view(id);
  }

  async cancel(id: string): Promise<CampaignView> {
    const before = await this.get(id);
    const cancelled = await this.move(before, 'cancel', { cancelledAt: this.nowIso() });
    if (cancelled.sendAt || cancelled.recurrence) await this.d.scheduler.cancelStart(id);
    if (cancelled.recurrence) await this.alongWithRun(cancelled, 'cancel');
    else {
      await this.d.launchQueue.send({ campaignId: id, gen: cancelled.gen, action: 'cancel' });
      await this.stopSettled(before);
    }
    return this.view(id);
  }

  /**
   * Pause and cancel answer only once no send worker can start a request on what it read before their
   * write: each checks, right before its Graph call, a read no older than the gate allows.
   */
  private async stopSettled(before: Campaign): Promise<void> {
    // A campaign that never started has no jobs that could send.
    if (before.state === 'draft' || before.state === 'scheduled') return;
    const ms = this.d.stopSettleMs ?? 0;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
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
      // The run moved on its own meanwhile (it completed, say): nothing left to do for it. A run whose
      // template cannot be sent stays paused, with that reason, until it is resumed on its own.
      if (error instanceof MetaTemplateRefusal) {
        this.d.logger.warn("the series' run stays paused: its WhatsApp template cannot be sent", {
          campaignId: run.id,
          reason: error.message,
        });
        return;
      }
      if (!(error instanceof StateConflictError)) throw error;
    }
  }

  /** Re-queues recipients whose failure was retryable (and any never attempted), then launches them. */
  async retry(id: string): Promise<CampaignView & { requeued: number }> {
    const campaign = await this.get(id);
    const check = transition(campaign.state, 'retry', isSeries(campaign) ? 'series' : 'campaign');
    if (!check.ok) throw new StateConflictError(check.message, campaign.state);
    await this.approve(campaign, 'retry');
    let requeued = 0;
    const failed = recipientPages(this.d.recipients, id, campaign.buckets, { status: 'failed', limit: 500 });
    for await (const { bucket, items } of failed) {
      // Stamped per page: a recipient's change and its counter's stay seconds apart (services/counters.ts).
      const at = this.nowIso();
      let moved = 0;
      // The failures taken back, by code: a campaign's failure figures are the ones that stand.
      const stats: StatsDelta = {};
      for (const r of items) {
        if (
          r.retryable &&
          (await this.d.recipients.requeue({ campaignId: id, bucket, phone: r.phone }, at))
        ) {
          moved += 1;
          addStats(stats, statsOfMove({ from: 'failed', to: 'queued', error: r.lastError }));
        }
      }
      if (moved > 0) await this.d.campaigns.addCounts(id, { failed: -moved, queued: moved, stats });
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
    if ((await reconcileCounts(this.d, id, campaign.buckets)) === 'busy') {
      throw new CountsChangingError(
        `the counters differ from the recipients while recipients are still changing (statuses arriving, or sends under way); nothing was corrected, because the difference may be updates on their way. Try again when the campaign has been quiet for ${QUIET_MS / 1000} s`,
      );
    }
    return this.view(id);
  }

  /**
   * LIVE: a campaign sending through a Meta template may go only while that template is approved in its
   * language and takes the parameters its mapping fills (422 naming the template and the problem). It is
   * recorded as using the template before it runs, so a later pause of the template reaches it, and it is
   * sent as the category Meta gives the template now.
   */
  private async approve(campaign: Campaign, action: CampaignAction): Promise<void> {
    const check = transition(campaign.state, action, isSeries(campaign) ? 'series' : 'campaign');
    if (!check.ok) throw new StateConflictError(check.message, campaign.state);
    const verdict = await this.templateVerdict(campaign);
    if (verdict) throw new MetaTemplateRefusal(422, verdict.code, verdict.message);
  }

  /** Why the campaign's Meta template cannot be sent now, or undefined (noting the use and the category). */
  private async templateVerdict(campaign: Campaign): Promise<Extract<SendCheck, { ok: false }> | undefined> {
    const approval = this.d.templateApproval;
    if (!approval || !campaign.template.whatsapp) return undefined;
    const verdict = await approval.check(campaign.template);
    if (!verdict.ok) return verdict;
    await approval.noteUse(campaign.template, campaign.id);
    if (verdict.category && verdict.category !== campaign.template.category) {
      await this.d.campaigns.setTemplateCategory?.(campaign.id, verdict.category);
    }
    return undefined;
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
