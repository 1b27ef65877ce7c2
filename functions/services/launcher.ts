import type { LaunchCommand, SendJob } from '../domain/campaign';
import type { Logger } from '../logger';
import type {
  CampaignStore,
  Clock,
  LaunchCheckpoint,
  LaunchQueue,
  RecipientStore,
  SendQueue,
} from '../ports';
import type { CampaignService } from './campaign-service';

export interface LauncherDeps {
  readonly campaigns: CampaignStore;
  readonly recipients: RecipientStore;
  readonly sendQueue: SendQueue;
  readonly launchQueue: LaunchQueue;
  readonly service: Pick<CampaignService, 'startFromSchedule'>;
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
  const campaign = await d.campaigns.get(id);
  if (!campaign) return 'stale';
  if (command.action === 'cancel') {
    await sweepCancelled(d, id, campaign.buckets);
    return 'done';
  }
  // The API writes the new generation before it enqueues the command; a lagging read just retries.
  if (campaign.gen < command.gen) return 'not_visible_yet';
  if (campaign.state !== 'running' || campaign.gen !== command.gen) return 'stale';

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
    const jobs: SendJob[] = page.items.map((r) => ({ t: 'c', c: id, p: r.phone, b: bucket, g: command.gen }));
    if (jobs.length > 0) await d.sendQueue.enqueue(jobs);
    enqueued += jobs.length;
    checkpoint = page.lastKey
      ? { gen: command.gen, bucket, cursor: page.lastKey, done: false }
      : { gen: command.gen, bucket: bucket + 1, done: false };
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
  await d.sendQueue.enqueue([{ t: 'p', c: id, g: command.gen, s: 0, q: -1 }], {
    delaySeconds: FIRST_PROBE_DELAY_SECONDS,
  });
  d.logger.info('campaign launched', { campaignId: id, gen: command.gen, enqueued });
  return 'done';
}

/** Settles a cancelled campaign's waiting recipients as skipped (reason "cancelled"). */
async function sweepCancelled(d: LauncherDeps, id: string, buckets: number): Promise<void> {
  const at = d.clock.now().toISOString();
  let skipped = 0;
  for (let bucket = 0; bucket < buckets; bucket++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await d.recipients.scanBucket(id, bucket, {
        status: 'queued',
        limit: 500,
        ...(startKey ? { startKey } : {}),
      });
      let done = 0;
      for (const r of page.items) {
        if (await d.recipients.markSkipped({ campaignId: id, bucket, phone: r.phone }, 'cancelled', at))
          done += 1;
      }
      if (done > 0) await d.campaigns.addCounts(id, { queued: -done, skipped: done });
      skipped += done;
      startKey = page.lastKey;
    } while (startKey);
  }
  d.logger.info('cancelled campaign settled', { campaignId: id, skipped });
}
