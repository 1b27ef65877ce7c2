/** Campaigns, their recipients and counters, launch progress, and their schedules. */

import type { StatsDelta } from '../domain/analytics';
import type {
  Campaign,
  LaunchCommand,
  RecipientRecord,
  RecipientSkipReason,
  SendError,
} from '../domain/campaign';
import type { CampaignState } from '../domain/campaign-state';
import type { Page } from '../domain/page';
import type { Counts, RecipientStatus, TimelinePoint } from '../domain/recipient-status';
import type { Recurrence } from '../domain/recurrence';

export interface LaunchCheckpoint {
  readonly gen: number;
  readonly bucket: number;
  readonly cursor?: Record<string, unknown>;
  readonly done: boolean;
  /** The earliest opening among recipients deferred by quiet hours so far in this launch. */
  readonly nextRelease?: string;
}

/** One recipient of an audience written at launch; `failure` says why it cannot be sent. */
export interface AudienceEntry {
  readonly phone: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly failure?: SendError;
}

/** Campaigns and series: their definition, their runs, and their state, moved by conditional writes. */
export interface CampaignStore {
  /** Writes every recipient, then the campaign: a campaign is never visible half-written. */
  create(
    campaign: Campaign,
    recipients: readonly { phone: string; variables: Readonly<Record<string, string>> }[],
  ): Promise<void>;
  get(id: string): Promise<Campaign | undefined>;
  /** Campaigns and series, newest first; runs are listed under their series instead. */
  list(options: { limit: number; cursor?: string }): Promise<Page<Campaign>>;
  /** Creates a series' run unless it exists (a firing delivered twice); true when this call created it. */
  createRun(run: Campaign): Promise<boolean>;
  listRuns(seriesId: string, options: { limit: number; cursor?: string }): Promise<Page<Campaign>>;
  /** Counts a new run on its series. */
  noteRun(seriesId: string, runId: string, runAt: string): Promise<void>;
  /** Moves nextReleaseAt earlier (or sets it) unless an earlier release is already recorded. */
  noteRelease(id: string, at: string, now: string): Promise<void>;
  /**
   * Moves the campaign from one of `from` to `to` with a conditional write; throws StateConflictError
   * (with the current state) otherwise. `bumpGen` starts a new launch generation.
   */
  changeState(
    id: string,
    from: readonly CampaignState[],
    to: CampaignState,
    patch?: Partial<
      Pick<
        Campaign,
        | 'startedAt'
        | 'completedAt'
        | 'cancelledAt'
        | 'pausedAt'
        | 'pauseReason'
        | 'sendAt'
        | 'timezone'
        | 'preparing'
      >
    >,
    options?: {
      bumpGen?: boolean;
      clear?: readonly ('pauseReason' | 'pausedAt' | 'completedAt' | 'timezone')[];
    },
  ): Promise<Campaign>;
}

/** Meta changed the category of the template a campaign sends through: later sends go as the new one. */
export interface CampaignTemplateUpdates {
  setTemplateCategory(id: string, category: Campaign['template']['category']): Promise<void>;
}

/**
 * A campaign's counts by recipient status, kept in sharded counters so that 1,000 sends a second spread
 * over partitions; they can always be recomputed from the recipients.
 */
export type RecipientHistogram = Counts & { waiting: number; lastUpdatedAt?: string };

/**
 * A change to a campaign's counters: status counts, `waiting`, and analytics counters (domain/analytics.ts)
 * with Meta's titles for the failure codes among them. All of it lands in one write.
 */
export type CounterDelta = Partial<Counts> & {
  waiting?: number;
  stats?: StatsDelta;
  titles?: Readonly<Record<string, string>>;
};

/** A campaign's analytics counters, summed over its shards. */
export interface SummedStats {
  readonly stats: StatsDelta;
  readonly titles: Readonly<Record<string, string>>;
}

export interface CampaignCounters {
  counts(id: string): Promise<Counts>;
  /** The counts, and how many queued recipients are waiting for their quiet hours to end. */
  tally(id: string): Promise<{ counts: Counts; waiting: number }>;
  /** Adds to one randomly chosen counter shard; shards spread increments over partitions. */
  addCounts(id: string, delta: CounterDelta): Promise<void>;
  /** The analytics counters of a campaign (figures come from these and the counts). */
  stats(id: string): Promise<SummedStats>;
  /** Records that completion found the counters wrong and corrected them (kept for operators and tests). */
  noteRecount(id: string): Promise<void>;
  /** Arrivals in sent, delivered, read and failed per minute, oldest first (the console's chart). */
  timeline(id: string): Promise<TimelinePoint[]>;
}

/** A customer's response to a campaign message, recorded on its recipient once. */
export type RecipientResponse =
  | { readonly kind: 'reply' | 'opt_out'; readonly at: string }
  | { readonly kind: 'button'; readonly label: string; readonly at: string };

export interface RecipientResponses {
  /**
   * Records the response unless the recipient already has it (a reply and an opt-out once each, every
   * button once); the send time when it was recorded now, `false` when it was known or cannot count
   * (a reply or opt-out needs a send), `undefined` when there is no such recipient.
   */
  noteResponse(key: RecipientKey, response: RecipientResponse): Promise<{ sentAt?: string } | false>;
}

/** One day of one template's campaigns (UTC), as the account's analytics keep it. */
export interface AccountDay extends SummedStats {
  readonly day: string;
  readonly templateId: string;
  readonly templateName?: string;
}

/**
 * The account's analytics: each campaign counter write with analytics in it also adds them to the day's
 * row of the campaign's template, so a period is read as rows per day, never from the campaigns.
 */
export interface AccountAnalytics {
  /** Days from `from` to `to` inclusive (`YYYY-MM-DD`), one item per day and template with any figure. */
  days(from: string, to: string): Promise<AccountDay[]>;
}

/** How far a launch has gone (so a launcher that stops resumes), and the lease on writing a list audience. */
export interface LaunchCheckpoints {
  /**
   * Takes the right to write a preparing campaign's audience for `leaseMs`, so two launchers never write
   * it at once; after a crash another may take over once the lease ends.
   */
  claimFill(id: string, token: string, nowMs: number, leaseMs: number): Promise<boolean>;
  /**
   * Writes an audience taken at launch: the recipients, the counters, then total and buckets, ending
   * `preparing`. Nothing is sent before this ends, so rewriting a half-written attempt is safe.
   */
  fillAudience(
    id: string,
    token: string,
    buckets: number,
    entries: readonly AudienceEntry[],
    at: string,
  ): Promise<Campaign>;
  checkpoint(id: string): Promise<LaunchCheckpoint | undefined>;
  saveCheckpoint(id: string, checkpoint: LaunchCheckpoint): Promise<void>;
}

export interface RecipientKey {
  readonly campaignId: string;
  readonly bucket: number;
  readonly phone: string;
}

export type ClaimResult =
  | { readonly claimed: true; readonly recipient: RecipientRecord }
  | { readonly claimed: false; readonly current?: RecipientRecord };

export interface RecipientStore {
  get(key: RecipientKey): Promise<RecipientRecord | undefined>;
  /** Recipients across buckets, optionally of one status, with an opaque cursor. */
  list(
    campaignId: string,
    buckets: number,
    options: { status?: RecipientStatus; limit: number; cursor?: string },
  ): Promise<Page<RecipientRecord>>;
  /** One bucket's page for the launcher and sweeps; `startKey` continues a previous page. */
  scanBucket(
    campaignId: string,
    bucket: number,
    options: { status?: RecipientStatus; startKey?: Record<string, unknown>; limit: number },
  ): Promise<{ items: RecipientRecord[]; lastKey?: Record<string, unknown> }>;
  /** Takes a queued recipient for one send attempt; a lease lets another worker take over after a crash. */
  claim(key: RecipientKey, token: string, nowMs: number, leaseMs: number): Promise<ClaimResult>;
  /** The following return false when the recipient was not in the expected state (nothing changed). */
  markSent(key: RecipientKey, token: string, wamid: string, at: string): Promise<boolean>;
  markFailed(
    key: RecipientKey,
    token: string,
    error: SendError,
    options: { retryable: boolean; countAttempt: boolean },
    at: string,
  ): Promise<boolean>;
  /** Gives a claim back after a failure that will be retried, counting the attempt if it reached WhatsApp. */
  release(
    key: RecipientKey,
    token: string,
    options: { error?: SendError; countAttempt: boolean },
  ): Promise<void>;
  /** With `token`, the caller holds the claim; without, a recipient mid-send is left alone. */
  markSkipped(key: RecipientKey, reason: RecipientSkipReason, at: string, token?: string): Promise<boolean>;
  /**
   * Quiet hours: the recipient waits (stays queued) until `until`. With a token the caller holds the
   * claim; otherwise only a recipient nobody holds at `nowMs`. False when already waiting or not queued.
   */
  defer(key: RecipientKey, until: string, holder: { token: string } | { nowMs: number }): Promise<boolean>;

  /** Ends a wait recorded as `until` (false if it changed meanwhile), so the recipient can be sent. */
  undefer(key: RecipientKey, until: string): Promise<boolean>;
  /** A job that kept failing is about to go to the dead-letter queue: the recipient records it (retryable). */
  markDeadLettered(key: RecipientKey, error: SendError, at: string): Promise<boolean>;
  /** failed (retryable) -> queued, for a campaign retry. */

  requeue(key: RecipientKey, at: string): Promise<boolean>;
  /**
   * Counts by status read from the recipients themselves; `waiting` is the queued ones deferred, and
   * `lastUpdatedAt` the latest time any of them changed (how long the campaign has been quiet).
   */
  histogram(campaignId: string, buckets: number): Promise<RecipientHistogram>;
}

export interface LaunchQueue {
  send(command: LaunchCommand): Promise<void>;
}

/** A campaign's schedules (EventBridge Scheduler in AWS, a timer locally); every call is safe to repeat. */
export interface CampaignScheduler {
  /** One-time: starts a scheduled campaign at `at`. */
  scheduleStart(campaignId: string, at: Date): Promise<void>;
  /** Deletes the campaign's start or series schedule (absent is fine). */
  cancelStart(campaignId: string): Promise<void>;
  /** Recurring: fires a series; `enabled: false` holds it (a paused series) without losing it. */
  scheduleSeries(campaignId: string, recurrence: Recurrence, enabled: boolean): Promise<void>;
  /** One-time: releases recipients whose quiet hours end at `at`. */
  scheduleRelease(campaignId: string, at: Date): Promise<void>;
}
