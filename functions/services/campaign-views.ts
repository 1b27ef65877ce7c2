/** What the API shows of a campaign: the stored campaign with its live counts, and a series' next run. */
import { type Campaign, isSeries } from '../domain/campaign';
import { NotFoundError } from '../domain/errors';
import type { Page } from '../domain/page';
import { emptyCounts, presentCounts } from '../domain/recipient-status';
import { nextRun, parseScheduleExpression } from '../domain/recurrence';
import type { CampaignServiceDeps, CampaignView } from './campaign-types';

export class CampaignViews {
  constructor(private readonly d: Pick<CampaignServiceDeps, 'campaigns' | 'clock'>) {}

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

  /** The counters as of this moment, with moves whose counter writes crossed each other shown in order. */
  private async counts(id: string) {
    const { counts, waiting } = await this.d.campaigns.tally(id);
    return presentCounts(counts, waiting);
  }

  private async decorate(campaign: Campaign): Promise<CampaignView> {
    if (!isSeries(campaign)) return { ...campaign, ...(await this.counts(campaign.id)) };
    const latest = campaign.lastRunId ? await this.counts(campaign.lastRunId) : undefined;
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
}
