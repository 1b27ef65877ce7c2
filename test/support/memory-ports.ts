/**
 * In-memory stand-ins for the ports the services use, with the same conditional semantics as the
 * DynamoDB adapters (claims with leases, moves only from the expected status), so a service's unit test
 * exercises its logic without the emulators. The adapters themselves are tested against dynalite.
 */
import type {
  Campaign,
  LaunchCommand,
  RecipientRecord,
  RecipientSkipReason,
  SendError,
  SendTask,
} from '../../functions/domain/campaign';
import type { CampaignState } from '../../functions/domain/campaign-state';
import type { Contact, ContactRecord, OptOutChange } from '../../functions/domain/contact';
import type { Conversation, ConversationMessage, InboundJob } from '../../functions/domain/conversation';
import { ConflictError, NotFoundError, StateConflictError } from '../../functions/domain/errors';
import type { SingleMessage, SkipReason, WamidRef } from '../../functions/domain/message';
import type { OutboundMessage } from '../../functions/domain/outbound-message';
import {
  type Counts,
  canMove,
  emptyCounts,
  RECIPIENT_STATUSES,
  type StatusChange,
  type StatusUpdate,
} from '../../functions/domain/recipient-status';
import { normalizeEmail, type StoredUser } from '../../functions/domain/user';
import type { SendFailure } from '../../functions/domain/whatsapp-errors';
import type {
  CampaignCounters,
  CampaignStore,
  ChangeParking,
  ClaimResult,
  Clock,
  ContactStore,
  ContactUpdates,
  ConversationStore,
  CounterDelta,
  InboundQueue,
  LaunchCheckpoint,
  LaunchQueue,
  MessageStore,
  RecipientHistogram,
  RecipientKey,
  RecipientStore,
  RedeliveryControl,
  SendQueue,
  SendResult,
  SentRecords,
  Session,
  SessionStore,
  SignInThrottle,
  SlotResult,
  StatusTarget,
  UserStore,
  WhatsAppSender,
} from '../../functions/ports';

export class MemoryClock implements Clock {
  constructor(private at = new Date('2026-12-01T10:00:00Z')) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

type StoredRecipient = RecipientRecord & { claimToken?: string; claimUntil?: number };
const rkey = (k: RecipientKey) => `${k.campaignId}|${k.bucket}|${k.phone}`;

export class MemoryRecipients implements RecipientStore {
  readonly items = new Map<string, StoredRecipient>();

  add(campaignId: string, phone: string, variables: Record<string, string> = {}, bucket = 0): RecipientKey {
    const key = { campaignId, bucket, phone };
    this.items.set(rkey(key), {
      campaignId,
      bucket,
      phone,
      variables,
      status: 'queued',
      attempts: 0,
      updatedAt: '2026-12-01T10:00:00.000Z',
    } as StoredRecipient);
    return key;
  }
  private update(
    key: RecipientKey,
    ok: (r: StoredRecipient) => boolean,
    patch: (r: StoredRecipient) => Partial<StoredRecipient>,
  ) {
    const r = this.items.get(rkey(key));
    if (!r || !ok(r)) return false;
    const next = { ...r, ...patch(r) };
    for (const [k, v] of Object.entries(next))
      if (v === undefined) delete (next as Record<string, unknown>)[k];
    this.items.set(rkey(key), next);
    return true;
  }
  async get(key: RecipientKey) {
    return this.items.get(rkey(key));
  }
  async list(campaignId: string) {
    return { items: [...this.items.values()].filter((r) => r.campaignId === campaignId) };
  }
  /** Pages in phone order; the key after a page is its last phone, as DynamoDB's is its last item. */
  async scanBucket(
    campaignId: string,
    bucket: number,
    options: { status?: string; limit: number; startKey?: Record<string, unknown> },
  ) {
    const after = options.startKey?.phone as string | undefined;
    const all = [...this.items.values()]
      .filter((r) => r.campaignId === campaignId && r.bucket === bucket)
      .filter((r) => !options.status || r.status === options.status)
      .filter((r) => after === undefined || r.phone > after)
      .sort((a, b) => a.phone.localeCompare(b.phone));
    const items = all.slice(0, options.limit);
    return { items, ...(all.length > items.length ? { lastKey: { phone: items.at(-1)!.phone } } : {}) };
  }
  async claim(key: RecipientKey, token: string, nowMs: number, leaseMs: number): Promise<ClaimResult> {
    const ok = this.update(
      key,
      (r) => r.status === 'queued' && (r.claimUntil === undefined || r.claimUntil < nowMs),
      () => ({ claimToken: token, claimUntil: nowMs + leaseMs }),
    );
    const current = this.items.get(rkey(key));
    return ok ? { claimed: true, recipient: current! } : { claimed: false, ...(current ? { current } : {}) };
  }
  async markSent(key: RecipientKey, token: string, wamid: string, at: string) {
    return this.update(
      key,
      (r) => r.claimToken === token && r.status === 'queued',
      (r) => ({
        status: 'sent',
        wamid,
        sentAt: at,
        attempts: r.attempts + 1,
        claimToken: undefined,
        claimUntil: undefined,
      }),
    );
  }
  async markFailed(
    key: RecipientKey,
    token: string,
    error: SendError,
    o: { retryable: boolean; countAttempt: boolean },
    at: string,
  ) {
    return this.update(
      key,
      (r) => r.claimToken === token && r.status === 'queued',
      (r) => ({
        status: 'failed',
        lastError: error,
        retryable: o.retryable,
        failedAt: at,
        attempts: r.attempts + (o.countAttempt ? 1 : 0),
        claimToken: undefined,
        claimUntil: undefined,
      }),
    );
  }
  async release(key: RecipientKey, token: string, o: { error?: SendError; countAttempt: boolean }) {
    this.update(
      key,
      (r) => r.claimToken === token,
      (r) => ({
        attempts: r.attempts + (o.countAttempt ? 1 : 0),
        ...(o.error ? { lastError: o.error } : {}),
        claimToken: undefined,
        claimUntil: undefined,
      }),
    );
  }
  async markSkipped(key: RecipientKey, reason: RecipientSkipReason, _at: string, token?: string) {
    return this.update(
      key,
      (r) => r.status === 'queued' && (token ? r.claimToken === token : r.claimToken === undefined),
      () => ({ status: 'skipped', skipReason: reason, claimToken: undefined, claimUntil: undefined }),
    );
  }
  async defer(key: RecipientKey, until: string, holder: { token: string } | { nowMs: number }) {
    return this.update(
      key,
      (r) =>
        r.status === 'queued' &&
        !r.deferredUntil &&
        ('token' in holder ? r.claimToken === holder.token : true),
      () => ({ deferredUntil: until, claimToken: undefined, claimUntil: undefined }),
    );
  }
  async undefer(key: RecipientKey, until: string) {
    return this.update(
      key,
      (r) => r.status === 'queued' && r.deferredUntil === until,
      () => ({ deferredUntil: undefined }),
    );
  }
  async markDeadLettered(key: RecipientKey, error: SendError) {
    return this.update(
      key,
      (r) => r.status === 'queued',
      () => ({ status: 'failed', lastError: error, retryable: true }),
    );
  }
  async requeue(key: RecipientKey) {
    return this.update(
      key,
      (r) => r.status === 'failed' && r.retryable === true,
      () => ({ status: 'queued' }),
    );
  }
  async histogram(campaignId: string) {
    const counts: RecipientHistogram = { ...emptyCounts(), waiting: 0 };
    for (const r of this.items.values()) {
      if (r.campaignId !== campaignId) continue;
      counts[r.status] += 1;
      counts.total += 1;
      if (r.status === 'queued' && r.deferredUntil) counts.waiting += 1;
      if (r.updatedAt && (!counts.lastUpdatedAt || r.updatedAt > counts.lastUpdatedAt))
        counts.lastUpdatedAt = r.updatedAt;
    }
    return counts;
  }
}

/** Campaigns with their counters; only what the send path and lifecycle use is implemented. */
export class MemoryCampaigns
  implements Pick<CampaignStore, 'get' | 'changeState' | 'noteRelease'>, CampaignCounters
{
  readonly items = new Map<string, Campaign>();
  readonly counters = new Map<string, Counts & { waiting: number }>();
  recounts = 0;

  /** Set to give created campaigns' recipients a home (the DynamoDB store writes both tables). */
  recipientsStore?: MemoryRecipients;
  async create(
    campaign: Campaign,
    recipients: readonly { phone: string; variables: Readonly<Record<string, string>> }[],
  ) {
    for (const r of recipients) this.recipientsStore?.add(campaign.id, r.phone, { ...r.variables });
    this.put(campaign, { total: recipients.length, queued: recipients.length });
  }
  async list() {
    return { items: [...this.items.values()].filter((c) => !c.seriesId).reverse() };
  }
  async listRuns(seriesId: string) {
    return { items: [...this.items.values()].filter((c) => c.seriesId === seriesId) };
  }

  put(campaign: Campaign, counts: Partial<Counts> = {}): void {
    this.items.set(campaign.id, campaign);
    this.counters.set(campaign.id, { ...emptyCounts(), waiting: 0, ...counts });
  }
  async get(id: string) {
    return this.items.get(id);
  }
  async changeState(
    id: string,
    from: readonly CampaignState[],
    to: CampaignState,
    patch: Partial<Campaign> = {},
    options: { bumpGen?: boolean } = {},
  ) {
    const c = this.items.get(id);
    if (!c || !from.includes(c.state))
      throw new StateConflictError(`campaign ${id} is ${c?.state}`, c?.state);
    const next = { ...c, ...patch, state: to, ...(options.bumpGen ? { gen: c.gen + 1 } : {}) } as Campaign;
    this.items.set(id, next);
    return next;
  }
  async counts(id: string) {
    const { waiting: _w, ...counts } = this.counters.get(id) ?? { ...emptyCounts(), waiting: 0 };
    return counts;
  }
  async tally(id: string) {
    const { waiting, ...counts } = this.counters.get(id) ?? { ...emptyCounts(), waiting: 0 };
    return { counts, waiting };
  }
  /** Analytics counters and failure titles per campaign, as the DynamoDB store sums them. */
  readonly analytics = new Map<string, { stats: Record<string, number>; titles: Record<string, string> }>();
  async addCounts(id: string, delta: CounterDelta) {
    const { stats, titles, ...counts } = delta;
    const c = this.counters.get(id) ?? { ...emptyCounts(), waiting: 0 };
    for (const [k, v] of Object.entries(counts))
      (c as Record<string, number>)[k] = ((c as Record<string, number>)[k] ?? 0) + (v ?? 0);
    this.counters.set(id, c);
    const a = this.analytics.get(id) ?? { stats: {}, titles: {} };
    for (const [k, v] of Object.entries(stats ?? {})) a.stats[k] = (a.stats[k] ?? 0) + v;
    Object.assign(a.titles, titles ?? {});
    this.analytics.set(id, a);
  }
  async stats(id: string) {
    return this.analytics.get(id) ?? { stats: {}, titles: {} };
  }
  async noteRecount() {
    this.recounts += 1;
  }
  async timeline() {
    return [];
  }
  readonly checkpoints = new Map<string, LaunchCheckpoint>();
  async checkpoint(id: string) {
    return this.checkpoints.get(id);
  }
  async saveCheckpoint(id: string, checkpoint: LaunchCheckpoint) {
    this.checkpoints.set(id, checkpoint);
  }
  async noteRelease(id: string, at: string) {
    const c = this.items.get(id);
    if (c && (!c.nextReleaseAt || at < c.nextReleaseAt)) this.items.set(id, { ...c, nextReleaseAt: at });
  }
}

export class MemoryContacts implements ContactStore {
  readonly items = new Map<string, Contact>();
  async get(phone: string) {
    return this.items.get(phone);
  }
  async reserveSendSlot(
    phone: string,
    nowMs: number,
    gapMs: number,
    scope: 'any' | 'marketing' | 'none',
  ): Promise<SlotResult> {
    const c = this.items.get(phone) ?? { phone };
    if (scope !== 'none' && (c.optedOut || (scope === 'marketing' && c.marketingOptOut))) {
      return { ok: false, reason: 'opted_out' };
    }
    if (c.lastSentAtMs !== undefined && nowMs - c.lastSentAtMs < gapMs) {
      return { ok: false, reason: 'too_soon', waitMs: gapMs - (nowMs - c.lastSentAtMs) };
    }
    const next = { ...c, lastSentAtMs: nowMs };
    this.items.set(phone, next);
    return { ok: true, contact: next };
  }
  async releaseSendSlot(phone: string) {
    const c = this.items.get(phone);
    if (c) {
      const { lastSentAtMs: _l, ...rest } = c;
      this.items.set(phone, rest);
    }
  }
}

type StoredMessage = SingleMessage & { claimToken?: string; skipReason?: SkipReason };
export class MemoryMessages implements MessageStore {
  readonly items = new Map<string, StoredMessage>();
  readonly refs = new Map<string, WamidRef>();
  async create(m: SingleMessage) {
    this.items.set(m.id, m);
  }
  async get(id: string) {
    return this.items.get(id);
  }
  private set(id: string, ok: (m: StoredMessage) => boolean, patch: Partial<StoredMessage>) {
    const m = this.items.get(id);
    if (!m || !ok(m)) return false;
    this.items.set(id, { ...m, ...patch });
    return true;
  }
  async claim(id: string, token: string) {
    return this.set(id, (m) => m.status === 'queued' && !m.claimToken, { claimToken: token });
  }
  async markSent(id: string, token: string, wamid: string) {
    return this.set(id, (m) => m.claimToken === token, { status: 'sent', wamid, claimToken: undefined });
  }
  async markFailed(id: string, token: string, error: SendError) {
    return this.set(id, (m) => m.claimToken === token, {
      status: 'failed',
      lastError: error,
      claimToken: undefined,
    });
  }
  async release(id: string, token: string) {
    this.set(id, (m) => m.claimToken === token, { claimToken: undefined });
  }
  async markSkipped(id: string, _at: string, reason: SkipReason = 'opted_out') {
    return this.set(id, (m) => m.status === 'queued', { status: 'skipped', skipReason: reason });
  }
  async putWamidRef(wamid: string, ref: WamidRef, _expiresAt?: number) {
    this.refs.set(wamid, ref);
  }
  async getWamidRef(wamid: string) {
    return this.refs.get(wamid);
  }
}

/** The wamid lookup and the conversation message of a sent message, in the two memory stores. */
export function memorySentRecords(
  messages: Pick<MemoryMessages, 'putWamidRef'>,
  conversations: Pick<MemoryConversations, 'append'>,
): SentRecords {
  return {
    async record(message, ref, expiresAt) {
      await messages.putWamidRef(message.wamid, ref, expiresAt);
      await conversations.append(message);
    },
  };
}

export class MemoryConversations
  implements Pick<ConversationStore, 'get' | 'append' | 'requestHuman' | 'mergeInto'>
{
  readonly items = new Map<string, Conversation>();
  readonly appended: ConversationMessage[] = [];
  async get(contact: string) {
    return this.items.get(contact);
  }
  async append(m: ConversationMessage) {
    if (this.appended.some((a) => a.wamid === m.wamid)) return false;
    this.appended.push(m);
    return true;
  }
  async mergeInto(from: string, to: string) {
    let moved = 0;
    for (const m of this.appended) {
      if (m.contact === from) {
        (m as { contact: string }).contact = to;
        moved += 1;
      }
    }
    return moved;
  }
  async requestHuman(contact: string) {
    const c = this.items.get(contact);
    if (!c || c.needsHuman) return false;
    this.items.set(contact, { ...c, needsHuman: true, status: 'open' });
    return true;
  }
}

export class MemoryQueue implements SendQueue, LaunchQueue {
  readonly tasks: SendTask[] = [];
  readonly commands: LaunchCommand[] = [];
  async enqueue(tasks: readonly SendTask[]) {
    this.tasks.push(...tasks);
  }
  async send(command: LaunchCommand) {
    this.commands.push(command);
  }
}

export class MemoryRedelivery implements RedeliveryControl {
  readonly delays: number[] = [];
  async retryAfter(_handle: string, seconds: number) {
    this.delays.push(seconds);
  }
}

/** A WhatsApp sender that answers from a script: an accepted send (with a wamid) or a failure. */
export class ScriptedWhatsApp implements WhatsAppSender {
  readonly sent: OutboundMessage[] = [];
  private readonly script: (SendFailure | 'ok')[] = [];
  answer(...answers: (SendFailure | 'ok')[]): this {
    this.script.push(...answers);
    return this;
  }
  async send(message: OutboundMessage): Promise<SendResult> {
    this.sent.push(message);
    const next = this.script.shift() ?? 'ok';
    return next === 'ok' ? { ok: true, wamid: `wamid.T${this.sent.length}` } : { ok: false, failure: next };
  }
  /** Read receipts asked for, in order (typing or not). */
  readonly receipts: { wamid: string; typing: boolean }[] = [];
  async markRead(
    wamid: string,
    options: { typing: boolean },
  ): Promise<{ ok: true } | { ok: false; failure: SendFailure }> {
    this.receipts.push({ wamid, typing: options.typing });
    return { ok: true };
  }
}

export const recipientStatuses = RECIPIENT_STATUSES;

/** Statuses applied as the DynamoDB status target does: only forward moves (MOVES_FROM), once each. */
export class MemoryStatusTarget implements StatusTarget {
  constructor(
    private readonly recipients: MemoryRecipients,
    private readonly messages: MemoryMessages,
  ) {}
  async applyToRecipient(key: RecipientKey, update: StatusUpdate): Promise<StatusChange | undefined> {
    const r = await this.recipients.get(key);
    if (!r) return undefined;
    if (!canMove(r.status, update.status)) return { changed: false };
    this.recipients.items.set(`${key.campaignId}|${key.bucket}|${key.phone}`, {
      ...r,
      status: update.status,
    });
    return { changed: true, from: r.status, to: update.status };
  }
  async applyToMessage(messageId: string, update: StatusUpdate): Promise<StatusChange | undefined> {
    const m = await this.messages.get(messageId);
    if (!m) return undefined;
    if (!canMove(m.status, update.status)) return { changed: false };
    this.messages.items.set(messageId, { ...m, status: update.status });
    return { changed: true, from: m.status, to: update.status };
  }
}

/** Contacts with the updates the events consumer makes: the window, the profile, opt-outs. */
export class MemoryContactRecords extends MemoryContacts implements ContactUpdates {
  async recordInbound(contact: string, at: string, profile: { name?: string }) {
    const c = this.items.get(contact) ?? { phone: contact };
    const later = !c.lastInboundAt || at > c.lastInboundAt;
    this.items.set(contact, {
      ...c,
      ...(later ? { lastInboundAt: at } : {}),
      ...(profile.name ? { profileName: profile.name } : {}),
    });
  }
  async setOptOut(contact: string, change: OptOutChange): Promise<OptOutChange> {
    const c = this.items.get(contact) ?? { phone: contact };
    const before = { optedOut: c.optedOut ?? false, marketingOptOut: c.marketingOptOut ?? false };
    this.items.set(contact, { ...c, ...change });
    return before;
  }
  async getRecord(contact: string): Promise<ContactRecord | undefined> {
    return this.items.get(contact);
  }
  readonly aliases = new Map<string, string>();
  async linkUserId(userId: string, phone: string) {
    if (this.aliases.get(userId) === phone) return false;
    this.aliases.set(userId, phone);
    return true;
  }
  async phoneOf(userId: string) {
    return this.aliases.get(userId);
  }
}

export class MemoryInboundQueue implements InboundQueue {
  readonly jobs: InboundJob[] = [];
  async send(job: InboundJob) {
    this.jobs.push(job);
  }
}

export class MemoryParking implements ChangeParking {
  readonly objects = new Map<string, string>();
  async park(body: string) {
    const key = `changes/${this.objects.size + 1}.json`;
    this.objects.set(key, body);
    return key;
  }
  async take(key: string) {
    return this.objects.get(key);
  }
  async discard(key: string) {
    this.objects.delete(key);
  }
}

/** Users as the DynamoDB store keeps them: one per e-mail address (normalized); undefined in a patch removes. */
export class MemoryUsers implements UserStore {
  readonly items = new Map<string, StoredUser>();
  async create(user: StoredUser) {
    const email = normalizeEmail(user.email);
    if ([...this.items.values()].some((u) => normalizeEmail(u.email) === email))
      throw new ConflictError(`a user with the e-mail ${user.email} exists`);
    this.items.set(user.id, user);
  }
  async get(id: string) {
    return this.items.get(id);
  }
  async byEmail(email: string) {
    return [...this.items.values()].find((u) => normalizeEmail(u.email) === normalizeEmail(email));
  }
  async list() {
    return [...this.items.values()];
  }
  async any() {
    return this.items.size > 0;
  }
  async update(id: string, patch: Parameters<UserStore['update']>[1], at: string) {
    const u = this.items.get(id);
    if (!u) throw new NotFoundError(`user ${id} does not exist`);
    const next = { ...u, ...patch, updatedAt: at } as StoredUser;
    for (const [k, v] of Object.entries(next))
      if (v === undefined) delete (next as unknown as Record<string, unknown>)[k];
    this.items.set(id, next);
    return next;
  }
  async countFailedSignIn(id: string, at: string) {
    const u = this.items.get(id);
    if (!u) throw new NotFoundError(`user ${id} does not exist`);
    this.items.set(id, { ...u, failedSignIns: u.failedSignIns + 1, updatedAt: at });
    return u.failedSignIns + 1;
  }
}

/** Sessions by token hash; expired ones stay until deleted (DynamoDB's TTL is late too). */
export class MemorySessions implements SessionStore {
  readonly items = new Map<string, Session>();
  async create(tokenHash: string, session: Session) {
    this.items.set(tokenHash, session);
  }
  async get(tokenHash: string) {
    return this.items.get(tokenHash);
  }
  async delete(tokenHash: string) {
    this.items.delete(tokenHash);
  }
  async deleteForUser(userId: string) {
    for (const [hash, s] of this.items) if (s.userId === userId) this.items.delete(hash);
  }
}

/** Failed sign-ins counted in fixed windows aligned to the epoch, as the DynamoDB throttle counts them. */
export class MemorySignInThrottle implements SignInThrottle {
  readonly counts = new Map<string, number>();
  private key(address: string, now: Date, windowMinutes: number) {
    const windowMs = windowMinutes * 60_000;
    return `${address}|${Math.floor(now.getTime() / windowMs) * windowMs}`;
  }
  async fail(address: string, now: Date, windowMinutes: number) {
    const key = this.key(address, now, windowMinutes);
    const failures = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, failures);
    return failures;
  }
  async failures(address: string, now: Date, windowMinutes: number) {
    return this.counts.get(this.key(address, now, windowMinutes)) ?? 0;
  }
}
