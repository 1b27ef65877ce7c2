/**
 * A large export written as a file in the background: a campaign's recipients when there are more than
 * a download can carry (Lambda answers at most 6 MB, API Gateway waits 29 s). The job writes the same CSV
 * as the download to the exports bucket, and its view links to the file for a while.
 */
import type { RecipientStatus } from './recipient-status';

/**
 * Rows a download serves directly; a larger export runs as a job (EXPORT_SYNC_MAX_ROWS overrides). In AWS
 * a download is one Lambda answer of at most 6 MB, base64-encoded: about 4.5 MB of CSV, some 30,000 rows
 * of a few variables each. 20,000 leaves room for longer rows, and local runs behave the same.
 */
export const SYNC_EXPORT_MAX_ROWS = 20_000;
/** How long a finished export's file is kept (the bucket's expiry) and its job shown. */
export const EXPORT_KEEP_DAYS = 7;
/** How long one link to the file works; asking again gives a fresh one. */
export const EXPORT_LINK_SECONDS = 3600;

export type ExportState = 'running' | 'ready' | 'failed';

export interface ExportJob {
  readonly id: string;
  readonly kind: 'campaign_recipients';
  readonly campaignId: string;
  readonly status?: RecipientStatus;
  readonly state: ExportState;
  readonly createdAt: string;
  readonly finishedAt?: string;
  readonly rows?: number;
  readonly bytes?: number;
  /** Why it failed, in words. */
  readonly error?: string;
  /** The file's name for the person downloading it. */
  readonly filename: string;
}

/** Where the job's file is kept in the exports bucket. */
export function exportKey(id: string): string {
  return `exports/${id}.csv`;
}
