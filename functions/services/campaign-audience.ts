/**
 * A campaign's audience when it is taken rather than given: the members of its lists (merged, with the
 * campaign's variables on top), or a series' stored recipients for one of its runs, written at launch.
 */
import { randomUUID } from 'node:crypto';
import { bucketCount, type Campaign, runId } from '../domain/campaign';
import { NotFoundError } from '../domain/errors';
import { recipientChecks } from '../domain/on-demand';
import { MAX_RECIPIENTS, rulesFor } from '../domain/recipient-rules';
import type { RecipientInput } from '../domain/recipients';
import type { AudienceEntry } from '../ports';
import type { CampaignServiceDeps } from './campaign-types';
import { recipientPages } from './recipient-pages';

/** How long one launcher may write an audience before another may take over. */
const FILL_LEASE_MS = 10 * 60_000;

export class CampaignAudience {
  constructor(private readonly d: CampaignServiceDeps) {}

  /** The members of these lists, merged (later lists win), with the campaign's variables on top. */
  async fromLists(listIds: readonly string[], overrides: Readonly<Record<string, string>>) {
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
        ? await this.fromLists(audience.lists, audience.variables ?? {})
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
    const series = await this.d.campaigns.get(seriesId);
    if (!series) throw new NotFoundError(`campaign ${seriesId} does not exist`);
    const rows: { row: number; input: RecipientInput }[] = [];
    for await (const page of recipientPages(this.d.recipients, seriesId, series.buckets, { limit: 1000 })) {
      for (const r of page.items)
        rows.push({ row: rows.length + 1, input: { phone: r.phone, variables: r.variables } });
    }
    return rows;
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
    const now = this.d.clock.now().toISOString();
    const id_ = runId(id, at);
    // LIVE: a run whose Meta template cannot be sent is made paused, with the reason, to be resumed.
    const approval = this.d.templateApproval;
    const verdict =
      approval && series.template.whatsapp ? await approval.check(series.template) : ({ ok: true } as const);
    if (verdict.ok && approval && series.template.whatsapp) await approval.noteUse(series.template, id_);
    const run: Campaign = {
      id: id_,
      name: `${series.name} · ${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      state: verdict.ok ? 'running' : 'paused',
      ...(verdict.ok ? {} : { pausedAt: now, pauseReason: verdict.message }),
      template:
        verdict.ok && verdict.category && verdict.category !== series.template.category
          ? { ...series.template, category: verdict.category }
          : series.template,
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
    if (!verdict.ok) {
      this.d.logger.warn('series run paused: its WhatsApp template cannot be sent', {
        campaignId: id,
        runId: run.id,
        reason: verdict.message,
      });
      return run.id;
    }
    // Sent again for a firing delivered twice: harmless, a launch carries on from its checkpoint.
    await this.d.launchQueue.send({ campaignId: run.id, gen: run.gen, action: 'launch' });
    return run.id;
  }
}
