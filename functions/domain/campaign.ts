import { createHash } from 'node:crypto';
import type { CampaignState } from './campaign-state';
import type { RecipientStatus } from './recipient-status';
import type { Template } from './template';

/** The template exactly as it was when the campaign was created: later edits do not change planned sends. */
export type TemplateSnapshot = Pick<
  Template,
  | 'id'
  | 'version'
  | 'name'
  | 'body'
  | 'category'
  | 'defaults'
  | 'media'
  | 'buttons'
  | 'whatsapp'
  | 'variables'
>;

export interface Campaign {
  readonly id: string;
  readonly name: string;
  readonly state: CampaignState;
  readonly template: TemplateSnapshot;
  readonly total: number;
  /** Recipients are spread over this many partitions. */
  readonly buckets: number;
  /** Launch generation: each start, resume or retry enqueues under a new one; older jobs are stale. */
  readonly gen: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly sendAt?: string;
  /** The IANA zone sendAt was given in, for showing it back in local time. */
  readonly timezone?: string;
  readonly startedAt?: string;
  readonly completedAt?: string;
  readonly cancelledAt?: string;
  readonly pausedAt?: string;
  /** Why the platform paused the campaign by itself (for example an expired access token). */
  readonly pauseReason?: string;
  readonly duplicatesMerged?: number;
  /** Times completion found the counters off and recounted (0 when they held). */
  readonly countCorrections?: number;
}

export interface SendError {
  readonly code: number | string | null;
  readonly title: string;
  readonly message?: string;
  readonly details?: string;
}

export interface RecipientRecord {
  readonly campaignId: string;
  readonly phone: string;
  readonly bucket: number;
  readonly variables: Readonly<Record<string, string>>;
  readonly status: RecipientStatus;
  readonly attempts: number;
  readonly wamid?: string;
  readonly lastError?: SendError;
  /** Whether lastError is one a retry could fix. */
  readonly retryable?: boolean;
  readonly skipReason?: 'opted_out' | 'cancelled';
  readonly sentAt?: string;
  readonly deliveredAt?: string;
  readonly readAt?: string;
  readonly failedAt?: string;
  readonly updatedAt: string;
}

/** A message on the send queue. Short keys keep SQS payloads small at 1,000 messages/s. */
export type SendJob =
  | { readonly t: 'c'; readonly c: string; readonly p: string; readonly b: number; readonly g: number }
  | { readonly t: 'm'; readonly m: string }
  /** Completion probe: checks whether every recipient has settled, and re-enqueues itself until so. */
  | CompletionProbe;

export interface CompletionProbe {
  readonly t: 'p';
  readonly c: string;
  readonly g: number;
  /** How many probes in a row saw no progress, and the queued count they saw. */
  readonly s: number;
  readonly q: number;
}

/**
 * Work for the launcher: `launch` enqueues a generation's queued recipients, `cancel` settles them as
 * skipped, `start` (from a schedule) starts a scheduled campaign, doing nothing if it was cancelled or started.
 */
export type LaunchCommand = {
  readonly campaignId: string;
  readonly gen: number;
  readonly action: 'launch' | 'cancel' | 'start';
};

export function bucketCount(total: number): number {
  return Math.min(32, Math.max(1, Math.ceil(total / 5000)));
}

export function bucketOf(phone: string, buckets: number): number {
  if (buckets <= 1) return 0;
  return createHash('sha1').update(phone).digest().readUInt32BE(0) % buckets;
}

/** Echoed by Meta as biz_opaque_callback_data in status webhooks; finds the recipient without a lookup. */
export function campaignCallbackData(campaignId: string, bucket: number, phone: string): string {
  return `c:${campaignId}:${bucket}:${phone}`;
}

export function messageCallbackData(messageId: string): string {
  return `m:${messageId}`;
}

export type CallbackRef =
  | {
      readonly kind: 'campaign';
      readonly campaignId: string;
      readonly bucket: number;
      readonly phone: string;
    }
  | { readonly kind: 'message'; readonly messageId: string };

export function parseCallbackData(data: string | undefined): CallbackRef | undefined {
  if (!data) return undefined;
  const c = /^c:([^:]+):(\d+):(\+\d+)$/.exec(data);
  if (c) return { kind: 'campaign', campaignId: c[1]!, bucket: Number(c[2]), phone: c[3]! };
  const m = /^m:([^:]+)$/.exec(data);
  if (m) return { kind: 'message', messageId: m[1]! };
  return undefined;
}
