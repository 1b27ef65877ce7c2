import type { CountryCode } from 'libphonenumber-js';
import { ulid } from 'ulid';
import { bucketCount, type Campaign, type TemplateSnapshot } from '../domain/campaign';
import { type CampaignAction, transition } from '../domain/campaign-state';
import type { Counts } from '../domain/recipient-status';
import { type RecipientInput, type RowProblem, validateRecipients } from '../domain/recipients';
import type { Template } from '../domain/template';
import type { Logger } from '../logger';
import {
  type CampaignScheduler,
  type CampaignStore,
  type Clock,
  type LaunchQueue,
  type ListStore,
  NotFoundError,
  type Page,
  type RecipientStore,
  StateConflictError,
  type TemplateStore,
} from '../ports';
import { reconcileCounts } from './counters';

export const MAX_RECIPIENTS = 200_000;

export class RecipientsRejectedError extends Error {
  constructor(readonly rows: readonly RowProblem[]) {
    super(`${rows.length} row${rows.length === 1 ? '' : 's'} cannot be used`);
  }
}

export class NothingToRetryError extends Error {}

export interface CampaignServiceDeps {
  readonly campaigns: CampaignStore;
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
}

export interface CampaignView extends Campaign {
  readonly counts: Counts;
}

/** Creating campaigns and moving them through their lifecycle; the API and the launcher both use it. */
export class CampaignService {
  constructor(private readonly d: CampaignServiceDeps) {}

  async create(input: NewCampaign): Promise<CampaignView> {
    const template = await this.d.templates.get(input.templateId);
    if (!template) throw new NotFoundError(`template ${input.templateId} does not exist`);
    if (input.lists?.length)
      input = { ...input, rows: await this.audienceOf(input.lists, input.variables ?? {}) };
    if (input.rows.length === 0)
      throw new RecipientsRejectedError([{ row: 0, phone: '', problems: ['no recipients'] }]);
    if (input.rows.length > MAX_RECIPIENTS) {
      throw new RecipientsRejectedError([
        {
          row: 0,
          phone: '',
          problems: [`at most ${MAX_RECIPIENTS} recipients per campaign (got ${input.rows.length})`],
        },
      ]);
    }
    const checked = validateRecipients(input.rows, {
      requiredVariables: template.variables,
      ...(template.defaults ? { templateDefaults: template.defaults } : {}),
      ...(input.defaultCountry ? { defaultCountry: input.defaultCountry } : {}),
    });
    if (!checked.ok) throw new RecipientsRejectedError(checked.rows);

    const now = this.d.clock.now();
    const total = checked.recipients.length;
    const campaign: Campaign = {
      id: ulid(now.getTime()),
      name: input.name,
      state: input.sendAt ? 'scheduled' : 'draft',
      template: snapshot(template),
      total,
      buckets: bucketCount(total),
      gen: 0,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      duplicatesMerged: checked.duplicatesMerged,
      ...(input.sendAt ? { sendAt: input.sendAt.toISOString() } : {}),
      ...(input.sendAt && input.timezone ? { timezone: input.timezone } : {}),
    };
    await this.d.campaigns.create(campaign, checked.recipients);
    if (input.sendAt) await this.d.scheduler.scheduleStart(campaign.id, input.sendAt);
    this.d.logger.info('campaign created', { campaignId: campaign.id, total, templateId: template.id });
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
    return { ...campaign, counts: await this.d.campaigns.counts(id) };
  }

  async list(options: { limit: number; cursor?: string }): Promise<Page<CampaignView>> {
    const page = await this.d.campaigns.list(options);
    const items = await Promise.all(
      page.items.map(async (c) => ({ ...c, counts: await this.d.campaigns.counts(c.id) })),
    );
    return { items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  async start(id: string): Promise<CampaignView> {
    const started = await this.move(id, 'start', { startedAt: this.nowIso() }, { bumpGen: true });
    if (started.sendAt) await this.d.scheduler.cancelStart(id);
    await this.launch(started);
    return this.view(id);
  }

  /** A schedule fired: start unless the campaign was cancelled, started or rescheduled meanwhile. */
  async startFromSchedule(id: string): Promise<boolean> {
    try {
      const started = await this.d.campaigns.changeState(
        id,
        ['scheduled'],
        'running',
        { startedAt: this.nowIso() },
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

  async pause(id: string): Promise<CampaignView> {
    await this.move(id, 'pause', { pausedAt: this.nowIso() });
    return this.view(id);
  }

  async resume(id: string): Promise<CampaignView> {
    const resumed = await this.move(id, 'resume', {}, { bumpGen: true, clear: ['pausedAt', 'pauseReason'] });
    await this.launch(resumed);
    return this.view(id);
  }

  async cancel(id: string): Promise<CampaignView> {
    const cancelled = await this.move(id, 'cancel', { cancelledAt: this.nowIso() });
    if (cancelled.sendAt) await this.d.scheduler.cancelStart(id);
    await this.d.launchQueue.send({ campaignId: id, gen: cancelled.gen, action: 'cancel' });
    return this.view(id);
  }

  /** Re-queues recipients whose failure was retryable (and any never attempted), then launches them. */
  async retry(id: string): Promise<CampaignView & { requeued: number }> {
    const campaign = await this.d.campaigns.get(id);
    if (!campaign) throw new NotFoundError(`campaign ${id} does not exist`);
    const check = transition(campaign.state, 'retry');
    if (!check.ok) throw new StateConflictError(check.message, campaign.state);
    let requeued = 0;
    const at = this.nowIso();
    for (let bucket = 0; bucket < campaign.buckets; bucket++) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.d.recipients.scanBucket(id, bucket, {
          status: 'failed',
          limit: 500,
          ...(startKey ? { startKey } : {}),
        });
        let moved = 0;
        for (const r of page.items) {
          if (
            r.retryable &&
            (await this.d.recipients.requeue({ campaignId: id, bucket, phone: r.phone }, at))
          ) {
            moved += 1;
          }
        }
        if (moved > 0) await this.d.campaigns.addCounts(id, { failed: -moved, queued: moved });
        requeued += moved;

        startKey = page.lastKey;
      } while (startKey);
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

  private async move(
    id: string,
    action: CampaignAction,
    patch: Parameters<CampaignStore['changeState']>[3],
    options: Parameters<CampaignStore['changeState']>[4] = {},
  ): Promise<Campaign> {
    const campaign = await this.d.campaigns.get(id);
    if (!campaign) throw new NotFoundError(`campaign ${id} does not exist`);
    const check = transition(campaign.state, action);
    if (!check.ok) throw new StateConflictError(check.message, campaign.state);
    return this.d.campaigns.changeState(id, check.from, check.to, patch, options);
  }

  private nowIso(): string {
    return this.d.clock.now().toISOString();
  }
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
