import { STAT } from '../domain/analytics';
import {
  type Campaign,
  firstProbe,
  type LaunchCommand,
  type RecipientRecord,
  type SendTask,
} from '../domain/campaign';
import { recipientOpening } from '../domain/send-window';
import type { Logger } from '../logger';
import type {
  CampaignCounters,
  CampaignScheduler,
  CampaignStore,
  Clock,
  LaunchCheckpoint,
  LaunchCheckpoints,
  LaunchQueue,
  RecipientStore,
  SendQueue,
} from '../ports';
import type { CampaignService } from './campaign-service';
import { countryZoneFor } from './country-zone';
import { recipientPages } from './recipient-pages';

export interface LauncherDeps {
  readonly campaigns: CampaignStore & CampaignCounters & LaunchCheckpoints;
  readonly recipients: RecipientStore;
  readonly sendQueue: SendQueue;
  readonly launchQueue: LaunchQueue;
  readonly scheduler: Pick<CampaignScheduler, 'scheduleRelease'>;
  readonly service: Pick<CampaignService, 'startFromSchedule' | 'runSeries' | 'prepare'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pageSize?: number;
}

export type LaunchOutcome = 'done' | 'continued' | 'stale' | 'not_visible_yet';

/** First completion probe: soon after the last job was enqueued. */
export const FIRST_PROBE_DELAY_SECONDS = 2;

/**
 * Carries out one launcher command. A launch pages through the queued recipients bucket by bucket and
 * enqueues a send job for each, saving a checkpoint after every page: a launcher that stops halfway
 * (crash, timeout) continues from the last page, so at most one page is enqueued twice, and the send
 * worker's claim makes a duplicate job harmless. Near its deadline it hands over to a fresh invocation.
 * Recipients outside their quiet hours are not enqueued but deferred, and a release is scheduled for
 * the earliest opening.
 */
export async function runLaunchCommand(
  d: LauncherDeps,
  command: LaunchCommand,
  remainingMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<LaunchOutcome> {
  const id = command.campaignId;
  if (command.action === 'start') {
    await d.service.startFromSchedule(id);
    return 'done';
  }
  if (command.action === 'fire') {
    const at = new Date(command.at ?? '');
    if (Number.isNaN(at.getTime())) {
      d.logger.error('series firing without a scheduled time; dropping it', { command });
      return 'done';
    }
    await d.service.runSeries(id, at);
    return 'done';
  }
  if (command.action === 'plan_release') {
    const at = new Date(command.at ?? '');
    if (!Number.isNaN(at.getTime())) await planRelease(d, id, at.toISOString());
    return 'done';
  }
  let campaign = await d.campaigns.get(id);
  if (!campaign) return 'stale';

  if (command.action === 'cancel') {
    await sweepCancelled(d, id, campaign.buckets);
    return 'done';
  }
  if (command.action === 'release') return releaseDeferred(d, campaign, command, remainingMs);
  // The API writes the new generation before it enqueues the command; a lagging read just retries.
  if (campaign.gen < command.gen) return 'not_visible_yet';
  if (campaign.state !== 'running' || campaign.gen !== command.gen) return 'stale';
  if (campaign.preparing) {
    const prepared = await d.service.prepare(campaign);
    if (prepared === 'busy') return 'not_visible_yet';
    campaign = prepared;
    const now = await d.campaigns.get(id);
    if (now?.state === 'cancelled') {
      // Cancelled while the audience was being written: settle what was written.
      await sweepCancelled(d, id, campaign.buckets);
      return 'stale';
    }
    if (now?.state !== 'running' || now.gen !== command.gen) return 'stale';
  }

  const saved = await d.campaigns.checkpoint(id);
  let checkpoint: LaunchCheckpoint =
    saved && saved.gen === command.gen ? saved : { gen: command.gen, bucket: 0, done: false };
  if (checkpoint.done) return 'done';
  const pageSize = d.pageSize ?? 1000;
  let pages = 0;
  let enqueued = 0;
  while (checkpoint.bucket < campaign.buckets) {
    const bucket = checkpoint.bucket;
    const page = await d.recipients.scanBucket(id, bucket, {
      status: 'queued',
      limit: pageSize,
      ...(checkpoint.cursor ? { startKey: checkpoint.cursor } : {}),
    });
    const sorted = await sortPage(d, campaign, page.items, 'launch');
    if (sorted.jobs.length > 0) await d.sendQueue.enqueue(sorted.jobs);
    enqueued += sorted.jobs.length;
    const nextRelease = earliest(checkpoint.nextRelease, sorted.nextRelease);
    checkpoint = {
      gen: command.gen,
      ...(page.lastKey ? { bucket, cursor: page.lastKey } : { bucket: bucket + 1 }),
      done: false,
      ...(nextRelease ? { nextRelease } : {}),
    };
    await d.campaigns.saveCheckpoint(id, checkpoint);
    pages += 1;
    if (pages % 10 === 0) {
      const now = await d.campaigns.get(id);
      if (now?.state !== 'running' || now.gen !== command.gen) return 'stale';
    }
    if (remainingMs() < 30_000) {
      await d.launchQueue.send(command);
      d.logger.info('launcher near its time limit; continuing in a new invocation', {
        campaignId: id,
        enqueued,
      });
      return 'continued';
    }
  }
  await d.campaigns.saveCheckpoint(id, { ...checkpoint, done: true });
  if (checkpoint.nextRelease) await planRelease(d, id, checkpoint.nextRelease);
  await d.sendQueue.enqueue([firstProbe(id, command.gen)], {
    delaySeconds: FIRST_PROBE_DELAY_SECONDS,
  });
  d.logger.info('campaign launched', {
    campaignId: id,
    gen: command.gen,
    enqueued,
    ...(checkpoint.nextRelease ? { nextRelease: checkpoint.nextRelease } : {}),
  });
  return 'done';
}

/**
 * Splits a page of queued recipients into send jobs and waits. A recipient whose wait is over is
 * released; at launch, one outside its quiet hours starts waiting. On a release, recipients that were
 * never waiting already have their jobs and are left alone.
 */
async function sortPage(
  d: LauncherDeps,
  campaign: Campaign,
  items: readonly RecipientRecord[],
  mode: 'launch' | 'release',
): Promise<{ jobs: SendTask[]; nextRelease?: string }> {
  const now = d.clock.now();
  const countryZone = await countryZoneFor(campaign.sendWindow);
  const jobs: SendTask[] = [];
  let nextRelease: string | undefined;
  let waitingDelta = 0;
  for (const r of items) {
    const key = { campaignId: campaign.id, bucket: r.bucket, phone: r.phone };
    if (r.deferredUntil) {
      if (Date.parse(r.deferredUntil) > now.getTime()) {
        nextRelease = earliest(nextRelease, r.deferredUntil);
        continue;
      }
      if (!(await d.recipients.undefer(key, r.deferredUntil))) continue;
      waitingDelta -= 1;
    } else if (mode === 'release') {
      continue;
    } else if (campaign.sendWindow) {
      const opening = recipientOpening(now, campaign.sendWindow, r.phone, r.variables, countryZone);
      if (opening) {
        const until = opening.toISOString();
        if (await d.recipients.defer(key, until, { nowMs: now.getTime() })) waitingDelta += 1;
        nextRelease = earliest(nextRelease, until);
        continue;
      }
    }
    jobs.push({
      kind: 'recipient',
      campaignId: campaign.id,
      phone: r.phone,
      bucket: r.bucket,
      gen: campaign.gen,
    });
  }
  if (waitingDelta !== 0) await d.campaigns.addCounts(campaign.id, { waiting: waitingDelta });
  return { jobs, ...(nextRelease ? { nextRelease } : {}) };
}

/**
 * A quiet-hours release fired: sends the recipients whose wait is over and plans the next release.
 * A paused campaign is left alone (resuming launches again, which releases them); a restarted release
 * simply finds fewer recipients waiting.
 */
async function releaseDeferred(
  d: LauncherDeps,
  campaign: Campaign,
  command: LaunchCommand,
  remainingMs: () => number,
): Promise<LaunchOutcome> {
  if (campaign.state !== 'running' || campaign.preparing) return 'stale';
  let released = 0;
  let nextRelease: string | undefined;
  const queued = { status: 'queued' as const, limit: d.pageSize ?? 1000 };
  for await (const page of recipientPages(d.recipients, campaign.id, campaign.buckets, queued)) {
    const sorted = await sortPage(d, campaign, page.items, 'release');
    if (sorted.jobs.length > 0) await d.sendQueue.enqueue(sorted.jobs);
    released += sorted.jobs.length;
    nextRelease = earliest(nextRelease, sorted.nextRelease);
    if (remainingMs() < 30_000) {
      // Restarting is safe: released recipients no longer wait, so the next pass skips them.
      await d.launchQueue.send(command);
      return 'continued';
    }
  }
  if (nextRelease) await planRelease(d, campaign.id, nextRelease);
  await d.sendQueue.enqueue([firstProbe(campaign.id, campaign.gen)], {
    delaySeconds: FIRST_PROBE_DELAY_SECONDS,
  });
  d.logger.info('quiet hours over; recipients released', {
    campaignId: campaign.id,
    released,
    ...(nextRelease ? { nextRelease } : {}),
  });
  return 'done';
}

async function planRelease(d: LauncherDeps, campaignId: string, at: string): Promise<void> {
  await d.scheduler.scheduleRelease(campaignId, new Date(at));
  await d.campaigns.noteRelease(campaignId, at, d.clock.now().toISOString());
}

function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/** Settles a cancelled campaign's waiting recipients as skipped (reason "cancelled"). */
async function sweepCancelled(d: LauncherDeps, id: string, buckets: number): Promise<void> {
  let skipped = 0;
  for await (const { bucket, items } of recipientPages(d.recipients, id, buckets, {
    status: 'queued',
    limit: 500,
  })) {
    // Stamped per page: a recipient's change and its counter's stay seconds apart (services/counters.ts).
    const at = d.clock.now().toISOString();
    let done = 0;
    let wasWaiting = 0;
    for (const r of items) {
      if (await d.recipients.markSkipped({ campaignId: id, bucket, phone: r.phone }, 'cancelled', at)) {
        done += 1;
        if (r.deferredUntil) wasWaiting += 1;
      }
    }
    if (done > 0)
      await d.campaigns.addCounts(id, {
        queued: -done,
        skipped: done,
        waiting: -wasWaiting,
        stats: { [STAT.skipped('cancelled')]: done },
      });
    skipped += done;
  }
  d.logger.info('cancelled campaign settled', { campaignId: id, skipped });
}
