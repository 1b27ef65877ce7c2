/** The interfaces the domain and handlers need; adapters/ implements them, deps/ picks which. */
import type {
  Campaign,
  LaunchCommand,
  RecipientRecord,
  SendError,
  SendJob,
  TemplateSnapshot,
} from './domain/campaign';
import type { CampaignState } from './domain/campaign-state';
import type { OutboundMessage } from './domain/outbound-message';
import type { Counts, RecipientStatus } from './domain/recipient-status';
import type { Recurrence } from './domain/recurrence';

import type { Template, TemplateDefinition } from './domain/template';
import type { SendFailure } from './domain/whatsapp-errors';

export type SendResult =
  | { readonly ok: true; readonly wamid: string }
  | { readonly ok: false; readonly failure: SendFailure };

export interface WhatsAppSender {
  send(message: OutboundMessage): Promise<SendResult>;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  readonly nextCursor?: string;
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export interface TemplateStore {
  create(def: TemplateDefinition & { variables: readonly string[] }): Promise<Template>;
  get(id: string): Promise<Template | undefined>;
  list(options: { limit: number; cursor?: string }): Promise<Page<Template>>;
  /** Replaces the definition; `expectedVersion` guards against lost updates when given. */
  replace(
    id: string,
    def: TemplateDefinition & { variables: readonly string[] },
    expectedVersion?: number,
  ): Promise<Template>;
  delete(id: string): Promise<void>;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

export interface ApiKeyStore {
  put(record: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  revoke(id: string, at: string): Promise<boolean>;
}

/** The first successful answer to a request sent with an Idempotency-Key. */
export interface StoredAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type IdempotencyClaim =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly answer: StoredAnswer }
  | { readonly kind: 'different_request' }
  | { readonly kind: 'in_progress' };

/** Keys of retried requests: claimed before the work, completed with its answer, released on failure. */
export interface IdempotencyStore {
  claim(key: string, fingerprint: string, now: Date): Promise<IdempotencyClaim>;
  complete(key: string, fingerprint: string, answer: StoredAnswer, now: Date): Promise<void>;
  release(key: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

// ---- Campaigns and the send pipeline -------------------------------------------------------------

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

  /** Moves
 nextReleaseAt earlier (or sets it) unless an earlier release is already recorded. */
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
  counts(id: string): Promise<Counts>;
  /** The counts, and how many queued recipients are waiting for their quiet hours to end. */
  tally(id: string): Promise<{ counts: Counts; waiting: number }>;
  /** Adds to one randomly chosen counter shard; shards spread increments over partitions. */
  addCounts(id: string, delta: Partial<Counts> & { waiting?: number }): Promise<void>;
  /** Records that completion found the counters wrong and corrected them (kept for operators and tests). */
  noteRecount(id: string): Promise<void>;
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
  markSkipped(
    key: RecipientKey,
    reason: 'opted_out' | 'cancelled',
    at: string,
    token?: string,
  ): Promise<boolean>;
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
  /** Counts by status read from the recipients themselves; `waiting` is the queued ones deferred. */
  histogram(campaignId: string, buckets: number): Promise<Counts & { waiting: number }>;
}

export interface Contact {
  readonly phone: string;
  readonly optedOut?: boolean;
  readonly marketingOptOut?: boolean;
  readonly lastInboundAt?: string;
  readonly lastSentAtMs?: number;
}

export type SlotResult =
  | { readonly ok: true; readonly contact: Contact }
  | { readonly ok: false; readonly reason: 'opted_out' }
  | { readonly ok: false; readonly reason: 'too_soon'; readonly waitMs: number };

export interface ContactStore {
  get(phone: string): Promise<Contact | undefined>;
  /**
   * Reserves the right to message `phone` now: refused if the contact opted out (of marketing, for
   * marketing sends) or was messaged less than `gapMs` ago (WhatsApp's pair rate limit).
   */
  reserveSendSlot(
    phone: string,
    nowMs: number,
    gapMs: number,
    optOutScope: 'any' | 'marketing' | 'none',
  ): Promise<SlotResult>;

  /** Gives a slot back when nothing was sent, so the next attempt need not wait. */
  releaseSendSlot(phone: string, reservedAtMs: number): Promise<void>;
}

/** Why a single message was not sent. */
export type SkipReason = 'opted_out' | 'person_took_over';

export interface SingleMessage {
  readonly id: string;
  readonly to: string;
  readonly status: 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped';
  readonly text?: string;
  readonly template?: TemplateSnapshot;
  readonly variables?: Readonly<Record<string, string>>;
  readonly attempts: number;
  readonly wamid?: string;
  readonly lastError?: SendError;
  /** Who asked for it: the API, an agent, the assistant, or the platform (opt-out confirmations). */
  readonly source?: 'api' | 'agent' | 'ai' | 'system';
  /** Only for the confirmation of an opt-out, which must reach the contact who just opted out. */
  readonly ignoreOptOut?: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type WamidRef =
  | {
      readonly kind: 'campaign';
      readonly campaignId: string;
      readonly bucket: number;
      readonly phone: string;
    }
  | { readonly kind: 'message'; readonly messageId: string };

export interface MessageStore {
  /** Throws ConflictError if a message with this id exists (ids of replies are derived, so retries collide). */
  create(message: SingleMessage): Promise<void>;
  get(id: string): Promise<SingleMessage | undefined>;
  claim(id: string, token: string, nowMs: number, leaseMs: number): Promise<boolean>;
  markSent(id: string, token: string, wamid: string, at: string): Promise<boolean>;
  markFailed(
    id: string,
    token: string,
    error: SendError,
    options: { countAttempt: boolean },
    at: string,
  ): Promise<boolean>;

  release(id: string, token: string, options: { error?: SendError; countAttempt: boolean }): Promise<void>;
  /** Skips a queued message: the contact opted out, or a person took the conversation from the assistant. */
  markSkipped(id: string, at: string, reason?: SkipReason): Promise<boolean>;
  putWamidRef(wamid: string, ref: WamidRef, expiresAtEpochSeconds: number): Promise<void>;
  getWamidRef(wamid: string): Promise<WamidRef | undefined>;
}

export interface SendQueue {
  /** Enqueues jobs with SendMessageBatch, 10 per call, calls in parallel. */
  enqueue(jobs: readonly SendJob[], options?: { delaySeconds?: number }): Promise<void>;
}

export interface LaunchQueue {
  send(command: LaunchCommand): Promise<void>;
}

/** Delays the redelivery of a received SQS message (backoff for a retry). */
export interface RedeliveryControl {
  retryAfter(receiptHandle: string, seconds: number): Promise<void>;
}

export class StateConflictError extends ConflictError {
  constructor(
    message: string,
    readonly currentState: CampaignState | undefined,
  ) {
    super(message);
  }
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

// ---- Webhooks, conversations, opt-outs -------------------------------------------------------------

/** A delivery status from a webhook, applied monotonically: sent < delivered < read; failed ends the attempt. */
export interface StatusUpdate {
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  readonly at: string;
  readonly wamid: string;
  readonly error?: SendError;
}

/** What applying a status changed: the status before and after, when it moved (for the counters). */
export type StatusChange =
  | { readonly changed: true; readonly from: RecipientStatus; readonly to: RecipientStatus }
  | { readonly changed: false };

export interface StatusTarget {
  /** Applies a status to a campaign recipient; `undefined` when the recipient does not exist. */
  applyToRecipient(key: RecipientKey, update: StatusUpdate): Promise<StatusChange | undefined>;
  applyToMessage(messageId: string, update: StatusUpdate): Promise<StatusChange | undefined>;
}

export interface ConversationMessage {
  readonly contact: string;
  readonly wamid: string;
  readonly direction: 'in' | 'out';
  readonly at: string;
  readonly type: string;
  readonly text?: string;
  readonly summary: string;
  /** Who sent an outbound message: a campaign, the API, an agent, the assistant, or the platform itself. */
  readonly source?: 'customer' | 'campaign' | 'api' | 'agent' | 'ai' | 'system';
  readonly campaignId?: string;
}

export interface Conversation {
  readonly contact: string;
  readonly profileName?: string;
  readonly userId?: string;
  readonly lastMessageAt: string;
  readonly lastMessagePreview: string;
  readonly lastDirection: 'in' | 'out';
  readonly aiEnabled: boolean;
  readonly needsHuman: boolean;
}

/** `previous` is the customer message the assistant answered before this one (where this burst starts). */
export type AiReplyClaim =
  | { readonly outcome: 'claimed' | 'already'; readonly previous?: string }
  | { readonly outcome: 'refused' };

export interface ConversationStore {
  /** Stores a message once (by contact, time and wamid) and refreshes the conversation; false if already stored. */
  append(message: ConversationMessage, profile?: { name?: string; userId?: string }): Promise<boolean>;
  get(contact: string): Promise<Conversation | undefined>;
  list(options: { limit: number; cursor?: string; needsHuman?: boolean }): Promise<Page<Conversation>>;
  messages(
    contact: string,
    options: { limit: number; cursor?: string; newestFirst?: boolean },
  ): Promise<Page<ConversationMessage>>;
  update(contact: string, patch: { aiEnabled?: boolean; needsHuman?: boolean }): Promise<Conversation>;
  /**
   * Takes the right to answer one inbound message for the assistant: only while AI is on and no human is
   * needed, and once per message. `already` means an earlier attempt took it (a retried job).
   */
  claimAiReply(contact: string, wamid: string): Promise<AiReplyClaim>;
  /** Hands the conversation to a person; false if it already needed one. */
  requestHuman(contact: string): Promise<boolean>;
}

export interface OptOutChange {
  readonly optedOut?: boolean;
  readonly marketingOptOut?: boolean;
}

export interface ContactRecord extends Contact {
  readonly profileName?: string;
  readonly userId?: string;
  readonly optedOutAt?: string;
  readonly optOutSource?: string;
  readonly history?: readonly { at: string; change: string; source: string }[];
}

export interface ContactUpdates {
  /** Opens or refreshes the 24-hour window (never moves it back) and keeps the profile name. */
  recordInbound(contact: string, at: string, profile: { name?: string; userId?: string }): Promise<void>;
  /** Sets opt-out flags; returns the values before, so a confirmation is sent only on a real change. */
  setOptOut(contact: string, change: OptOutChange, at: string, source: string): Promise<OptOutChange>;
  getRecord(contact: string): Promise<ContactRecord | undefined>;
}

export interface InboundJob {
  readonly contact: string;
  readonly wamid: string;
  readonly type: string;
  readonly text?: string;
  readonly at: string;
}

export interface InboundQueue {
  /** `delaySeconds` holds the job back so a customer's rapid messages are answered together. */
  send(item: InboundJob, options?: { delaySeconds?: number }): Promise<void>;
}

/** Counts that matter to operators: sends and failures by WhatsApp error code. */
export interface SendMetrics {
  sent(): void;
  failed(code: string): void;
  /** Publishes what was counted during one invocation. */
  flush(): void;
}

export const noMetrics: SendMetrics = { sent: () => {}, failed: () => {}, flush: () => {} };

/** What the webhook counts: changes it queued, and posts refused for a missing or wrong signature. */
export interface WebhookMetrics {
  received(changes: number): void;
  signatureFailure(): void;
  /** Writes what was counted (one record per request). */
  flush(): void;
}

export const noWebhookMetrics: WebhookMetrics = {
  received: () => {},
  signatureFailure: () => {},
  flush: () => {},
};

// ---- Contact lists ---------------------------------------------------------------------------------

export interface ContactList {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface ListMember {
  readonly phone: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ListStore {
  create(list: ContactList): Promise<void>;
  get(id: string): Promise<ContactList | undefined>;
  list(options: { limit: number; cursor?: string }): Promise<Page<ContactList>>;
  /** Adds members and merges their attributes into their contacts (new values win). */
  addMembers(listId: string, members: readonly ListMember[]): Promise<void>;
  members(listId: string, options: { limit: number; cursor?: string }): Promise<Page<ListMember>>;
  /** Every member of a list, with attributes, for a campaign's audience. */
  allMembers(listId: string): Promise<ListMember[]>;
  removeMember(listId: string, phone: string): Promise<boolean>;
}

// ---- Knowledge and the assistant -----------------------------------------------------------------

export type KnowledgeSourceState = 'queued' | 'crawling' | 'ready' | 'failed';

export interface SkippedPage {
  readonly url: string;
  readonly reason: string;
}

export interface KnowledgeSource {
  readonly id: string;
  readonly kind: 'website' | 'document';
  /** The start URL of a website, or the optional URL a document is cited with. */
  readonly url?: string;
  readonly title?: string;
  readonly maxPages: number;
  readonly maxDepth: number;
  readonly state: KnowledgeSourceState;
  readonly pagesFound: number;
  readonly pagesIndexed: number;
  /** Pages whose content had not changed since the previous crawl (not embedded again). */
  readonly pagesUnchanged: number;
  readonly pagesSkipped: number;
  /** The first skipped pages with their reasons (capped; `pagesSkipped` is the full count). */
  readonly skipped: readonly SkippedPage[];
  readonly errors: readonly string[];
  readonly chunks: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly crawledAt?: string;
}

export interface KnowledgePage {
  readonly sourceId: string;
  readonly url: string;
  readonly title: string;
  readonly contentHash: string;
  readonly chunkCount: number;
  /** The embedding model the chunks were embedded with, if any; a change of model re-embeds. */
  readonly embeddingModel?: string;
  readonly indexedAt: string;
}

export interface StoredChunk {
  readonly heading: string;
  readonly text: string;
  readonly vector?: Float32Array;
}

export interface KnowledgeStore {
  createSource(source: KnowledgeSource): Promise<void>;
  getSource(id: string): Promise<KnowledgeSource | undefined>;
  listSources(): Promise<KnowledgeSource[]>;
  /** False when the source no longer exists (deleted meanwhile); nothing is written then. */
  updateSource(
    id: string,
    patch: Partial<Omit<KnowledgeSource, 'id' | 'kind' | 'createdAt'>>,
  ): Promise<boolean>;

  /** Moves a source to `to` only from one of `from`; false when it was in another state. */
  transitionSource(
    id: string,
    from: readonly KnowledgeSourceState[],
    to: KnowledgeSourceState,
    at: string,
  ): Promise<boolean>;
  /** Deletes the source with every page and passage of it. */
  deleteSource(id: string): Promise<void>;
  getPage(sourceId: string, url: string): Promise<KnowledgePage | undefined>;
  listPages(sourceId: string): Promise<KnowledgePage[]>;
  /** Replaces a page's passages (and removes those a shorter new version no longer has). */
  putPage(page: KnowledgePage, chunks: readonly StoredChunk[]): Promise<void>;
  deletePage(sourceId: string, url: string): Promise<void>;
  /** Every passage of every source, for the in-memory retrieval index. */
  loadPassages(): Promise<import('./domain/knowledge/retrieval').Passage[]>;
  /** A number that changes whenever any passage changes, so caches know when to reload. */
  version(): Promise<number>;
  bumpVersion(): Promise<number>;
}

export interface CrawlJob {
  readonly sourceId: string;
}

export interface CrawlQueue {
  send(job: CrawlJob): Promise<void>;
}

export interface Embedder {
  readonly model: string;
  /** Unit-length vectors, one per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

export interface AnswerInput {
  readonly question: string;
  readonly passages: readonly import('./domain/knowledge/assistant').PromptPassage[];
  readonly history: readonly import('./domain/knowledge/assistant').Turn[];
}

export interface Answerer {
  /** `model` for a language model, `excerpt` for the offline reply quoting the best passage. */
  readonly kind: 'model' | 'excerpt';
  answer(input: AnswerInput): Promise<{ readonly handoff: boolean; readonly text: string }>;
}

export interface FetchedPage {
  /** The URL after redirects. */
  readonly url: string;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

/** Fetches a public web page; refuses private addresses, oversized bodies and slow servers. */
export interface WebFetcher {
  get(url: string): Promise<FetchedPage>;
}
