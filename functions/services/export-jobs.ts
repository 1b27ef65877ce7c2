/**
 * Exports too large for a download: the api creates the job and queues it, the launcher writes the CSV to
 * a temporary file a page at a time (memory holds one page, whatever the size) and stores it in the
 * exports bucket, and the job's view links to the file. A command delivered twice finds the job ended
 * and does nothing; one that fails half way is retried by the queue and starts the file again.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ulid } from 'ulid';
import type { Campaign } from '../domain/campaign';
import { NotFoundError } from '../domain/errors';
import { EXPORT_KEEP_DAYS, EXPORT_LINK_SECONDS, type ExportJob, exportKey } from '../domain/export-job';
import { csvExport } from '../domain/on-demand';
import type { RecipientStatus } from '../domain/recipient-status';
import type { Logger } from '../logger';
import type {
  CampaignStore,
  Clock,
  ExportFiles,
  ExportJobStore,
  ExportQueue,
  RecipientStore,
} from '../ports';
import { recipientCsvRows } from './recipient-export';

export interface ExportJobDeps {
  readonly jobs: ExportJobStore;
  readonly files: ExportFiles;
  readonly queue: ExportQueue;
  readonly campaigns: Pick<CampaignStore, 'get'>;
  readonly recipients: Pick<RecipientStore, 'list'>;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** A job as the API shows it: with a fresh link while its file is kept. */
export type ExportView = ExportJob & { url?: string; expiresAt?: string };

const BOM = '\uFEFF';
const STALE_MS = 3_600_000;
const TEMP_PREFIX = 'export-';
/** Longer than the launcher's timeout (functions/resources.ts): a directory this old is no one's. */
const LEFTOVER_MS = 20 * 60_000;

/**
 * Files an earlier invocation left when it was stopped mid-export (a timeout skips its cleanup): a warm
 * Lambda keeps /tmp, and one export may take most of it. Only directories older than any invocation can
 * run are taken, so an export running beside this one (another process sharing /tmp) keeps its file.
 */
async function removeLeftovers(now: number): Promise<void> {
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((n) => n.startsWith(TEMP_PREFIX))
      .map(async (n) => {
        const dir = join(tmpdir(), n);
        const since = await stat(dir).then(
          (s) => now - s.mtimeMs,
          () => 0,
        );
        if (since > LEFTOVER_MS) await rm(dir, { recursive: true, force: true });
      }),
  );
}

export class ExportJobs {
  constructor(private readonly d: ExportJobDeps) {}

  async start(campaign: Pick<Campaign, 'id'>, status?: RecipientStatus): Promise<ExportView> {
    const csv = await csvExport();
    const id = ulid(this.d.clock.now().getTime());
    const job: ExportJob = {
      id,
      kind: 'campaign_recipients',
      campaignId: campaign.id,
      ...(status ? { status } : {}),
      state: 'running',
      createdAt: this.d.clock.now().toISOString(),
      filename: csv.exportFilename('campaign', campaign.id, status ?? '', 'recipients'),
    };
    await this.d.jobs.create(job);
    await this.d.queue.run(id);
    this.d.logger.info('export started', { exportId: id, campaignId: campaign.id });
    return job;
  }

  async view(id: string): Promise<ExportView> {
    const job = await this.d.jobs.get(id);
    if (!job) throw new NotFoundError(`no export ${id}`);
    // A job still running after an hour failed every attempt the queue made (they are minutes long).
    if (job.state === 'running' && this.d.clock.now().getTime() - Date.parse(job.createdAt) > STALE_MS)
      return { ...job, state: 'failed', error: 'the export did not finish within an hour; start it again' };
    if (job.state !== 'ready' || !job.finishedAt) return job;
    const expiresAt = new Date(Date.parse(job.finishedAt) + EXPORT_KEEP_DAYS * 86_400_000);
    if (expiresAt.getTime() <= this.d.clock.now().getTime())
      return { ...job, expiresAt: expiresAt.toISOString() };
    return {
      ...job,
      url: await this.d.files.link(exportKey(id), job.filename, EXPORT_LINK_SECONDS),
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** Writes the job's file (the launcher). A failure that cannot pass ends the job with the reason. */
  async run(id: string): Promise<void> {
    const job = await this.d.jobs.get(id);
    if (!job || job.state !== 'running') return; // gone, or already written by an earlier delivery
    const campaign = await this.d.campaigns.get(job.campaignId);
    if (!campaign) {
      await this.d.jobs.finish(id, { state: 'failed', error: 'the campaign no longer exists' }, this.now());
      return;
    }
    const csv = await csvExport();
    await removeLeftovers(Date.now());
    const dir = await mkdtemp(join(tmpdir(), TEMP_PREFIX));
    const path = join(dir, 'export.csv');
    try {
      let rows = -1; // the header is not a row
      const recipients = this.d.recipients;
      async function* text() {
        yield BOM;
        for await (const batch of recipientCsvRows(recipients, campaign!, job!.status)) {
          rows += batch.length;
          yield csv.csvText(batch);
        }
      }
      // pipeline waits for the disk (memory holds about one page), and a failure on either side ends
      // both: the generator stops reading and the file is closed.
      await pipeline(Readable.from(text()), createWriteStream(path));
      const bytes = (await stat(path)).size;
      await this.d.files.put(exportKey(id), path, bytes, job.filename);
      await this.d.jobs.finish(id, { state: 'ready', rows, bytes }, this.now());
      this.d.logger.info('export written', { exportId: id, rows, bytes });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }
}
