/**
 * A campaign recipient's send: claimed with a conditional write before the Graph call and marked sent
 * right after it, so a redelivered or duplicated job sends nothing twice. The only gap left is a crash
 * between WhatsApp accepting a message and the write that records it (one network round trip); then the
 * claim's lease expires and the recipient is sent again.
 */
import { randomUUID } from 'node:crypto';
import { PAIR_GAP_MS } from '../../domain/backoff';
import { type Campaign, campaignCallbackData, type SendTask } from '../../domain/campaign';
import type { Mode } from '../../domain/mode';
import { maskPhone } from '../../domain/redact';
import { decideContent, isWindowOpen } from '../../domain/send-decision';
import { recipientOpening } from '../../domain/send-window';
import type { Logger } from '../../logger';
import type {
  CampaignStore,
  Clock,
  ContactStore,
  LaunchQueue,
  RecipientKey,
  RecipientStore,
} from '../../ports';
import type { CampaignCompletion } from '../campaign-completion';
import { countryZoneFor, isUsNumber } from '../country-zone';
import { CampaignGate, type GateVerdict } from './campaign-gate';
import {
  type Delivery,
  epochSeconds,
  RECORD_MARGIN_MS,
  toSendError,
  WAMID_REF_TTL_SECONDS,
} from './delivery';
import { DONE, type Outcome, reachedNobody, retryAfter } from './outcome';
import type { RecipientLedger } from './recipient-ledger';

export interface CampaignSendDeps {
  readonly recipients: RecipientStore;
  /** Read again right before each Graph call (CampaignGate), so a pause stops jobs waiting at the pacer. */
  readonly campaigns: Pick<CampaignStore, 'get'>;
  readonly ledger: RecipientLedger;
  readonly contacts: ContactStore;
  readonly delivery: Delivery;
  readonly completion: Pick<CampaignCompletion, 'pauseForAccount'>;
  readonly launchQueue: LaunchQueue;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly mode: Mode;
  readonly maxAttempts: number;
  readonly maxReceiveCount: number;
  readonly leaseMs: number;
  /** The Graph request timeout: a request starts only if it ends before the claim does. */
  readonly requestTimeoutMs: number;
  /** Skip marketing templates to United States numbers (SKIP_US_MARKETING, on by default). */
  readonly skipUsMarketing?: boolean;
}

type RecipientTask = Extract<SendTask, { kind: 'recipient' }>;

export function makeCampaignSend(d: CampaignSendDeps) {
  // Releases this process has already planned: one schedule per campaign and opening is enough.
  const plannedReleases = new Set<string>();
  const gate = new CampaignGate(d.campaigns);

  /** `deadlineMs`: when the invocation is cut off (Lambda's timeout), on the worker's clock. */
  async function send(
    task: RecipientTask,
    campaign: Campaign | undefined,
    receiveCount: number,
    deadlineMs = Number.POSITIVE_INFINITY,
  ): Promise<Outcome> {
    const key: RecipientKey = { campaignId: task.campaignId, bucket: task.bucket, phone: task.phone };
    const now = d.clock.now();
    if (!campaign) return DONE;
    if (campaign.state === 'cancelled') {
      await d.ledger.skipped(key, 'cancelled', now.toISOString());
      return DONE;
    }
    // Paused, or a task of an earlier launch: resuming enqueues the recipient again under the new generation.
    if (campaign.state !== 'running' || task.gen !== campaign.gen) return DONE;

    const token = randomUUID();
    const claim = await d.recipients.claim(key, token, now.getTime(), d.leaseMs);
    if (!claim.claimed) {
      if (claim.current?.status !== 'queued') return DONE; // already settled: a duplicate delivery
      d.logger.debug('recipient is being sent by another job; checking again after the lease', {
        campaignId: campaign.id,
        to: maskPhone(task.phone),
      });
      return { retryAfterSeconds: Math.ceil(d.leaseMs / 1000) };
    }
    const recipient = claim.recipient;
    if (recipient.deferredUntil) {
      // Waiting for its quiet hours to end: the release sends it.
      await d.recipients.release(key, token, { countAttempt: false });
      return DONE;
    }
    if (campaign.sendWindow) {
      const countryZone = await countryZoneFor(campaign.sendWindow);
      const opening = recipientOpening(
        now,
        campaign.sendWindow,
        task.phone,
        recipient.variables,
        countryZone,
      );
      if (opening) {
        await defer(campaign.id, key, token, opening);
        return DONE;
      }
    }
    const marketing = campaign.template.category === 'marketing';
    // Meta does not deliver marketing templates to US numbers: skipped before any call, with the reason.
    // The category is the campaign's latest (Meta may change it), so this follows a recategorisation.
    if (marketing && d.skipUsMarketing && (await isUsNumber(task.phone))) {
      await d.ledger.skipped(key, 'us_marketing_paused', now.toISOString(), token);
      return DONE;
    }
    const slot = await d.contacts.reserveSendSlot(
      task.phone,
      now.getTime(),
      PAIR_GAP_MS,
      marketing ? 'marketing' : 'any',
    );
    if (!slot.ok) {
      if (slot.reason === 'opted_out') {
        await d.ledger.skipped(key, 'opted_out', now.toISOString(), token);
        return DONE;
      }
      await d.recipients.release(key, token, { countAttempt: false });
      return { retryAfterSeconds: Math.ceil(slot.waitMs / 1000) };
    }

    const windowOpen = isWindowOpen(slot.contact.lastInboundAt, now);
    const decision = decideContent(campaign.template, recipient.variables, windowOpen, d.mode);
    if (!decision.ok) {
      await d.contacts.releaseSendSlot(task.phone, now.getTime());
      const error = { code: decision.code, title: 'Not sendable', message: decision.message };
      await d.ledger.failed(key, token, error, { retryable: false, countAttempt: false }, now.toISOString());
      return DONE;
    }
    if (decision.warning)
      d.logger.warn(decision.warning, { campaignId: campaign.id, to: maskPhone(task.phone) });

    const callback = campaignCallbackData(campaign.id, task.bucket, task.phone);
    let verdict = 'send' as GateVerdict | 'out_of_time';
    // The request must be over (answered or timed out) and recorded before the claim runs out, when
    // another job may take the recipient over, and before the invocation is cut off.
    const sendBy = Math.min(now.getTime() + d.leaseMs, deadlineMs) - RECORD_MARGIN_MS;
    const unwatch = gate.watch(campaign);
    let result: Awaited<ReturnType<Delivery['sendIf']>>;
    try {
      result = await d.delivery.sendIf(
        async () => {
          verdict = await gate.verdict(campaign.id, task.gen);
          // Too late for that (a slow machine, a long wait at the pacer): sending could overlap with
          // another job's send, so this job steps back and checks again later.
          if (verdict === 'send' && d.clock.now().getTime() + d.requestTimeoutMs > sendBy) {
            verdict = 'out_of_time';
          }
          return verdict === 'send';
        },
        task.phone,
        decision.content,
        callback,
        { campaignId: campaign.id },
      );
    } finally {
      unwatch();
    }
    if (!result) {
      // Paused or cancelled while this job waited for its turn at the pacer, or its time ran out: nothing
      // was sent.
      await d.contacts.releaseSendSlot(task.phone, now.getTime());
      if (verdict === 'cancelled') {
        await d.ledger.skipped(key, 'cancelled', d.clock.now().toISOString(), token);
      } else if (verdict === 'out_of_time') {
        // Released only if still ours (the write is conditional on the token).
        await d.recipients.release(key, token, { countAttempt: false });
        return { retryAfterSeconds: 1 };
      } else {
        // Still queued, and not held by the claim, so a resume sends it at once.
        await d.recipients.release(key, token, { countAttempt: false });
      }
      return DONE;
    }
    const at = d.clock.now().toISOString();
    if (result.ok) {
      if (!(await d.ledger.sent(key, token, result.wamid, at))) {
        d.logger.warn('sent, but the claim had expired and another job took the recipient over', {
          campaignId: campaign.id,
          to: maskPhone(task.phone),
          wamid: result.wamid,
          heldMs: Date.now() - now.getTime(),
        });
        return DONE;
      }
      await d.delivery.record({
        contact: task.phone,
        wamid: result.wamid,
        at,
        content: decision.content,
        source: 'campaign',
        about: { campaignId: campaign.id },
        ref: {
          kind: 'campaign',
          campaignId: campaign.id,
          bucket: task.bucket,
          phone: task.phone,
          conversation: { contact: task.phone, at },
        },
        expiresAt: epochSeconds(now) + WAMID_REF_TTL_SECONDS,
      });
      return DONE;
    }

    const failure = result.failure;
    const error = toSendError(failure);
    const attempts = recipient.attempts + 1;
    if (failure.action === 'pause') {
      gate.stopHere(campaign.id, task.gen);
      await d.recipients.release(key, token, { error, countAttempt: true });
      await d.completion.pauseForAccount(campaign.id, failure);
      return DONE;
    }
    const lastChance = attempts >= d.maxAttempts || receiveCount >= d.maxReceiveCount;
    if (failure.action === 'retry' && !lastChance) {
      // Refused by WhatsApp, so nothing reached the customer: the pair-rate slot is free again and the
      // retry goes after its backoff rather than 6 s later.
      if (reachedNobody(failure)) await d.contacts.releaseSendSlot(task.phone, now.getTime());
      await d.recipients.release(key, token, { error, countAttempt: true });
      return { retryAfterSeconds: retryAfter(failure, attempts) };
    }
    await d.ledger.failed(
      key,
      token,
      error,
      { retryable: failure.action === 'retry', countAttempt: true },
      at,
    );
    return DONE;
  }

  /** Outside its quiet hours (the campaign ran into the evening): wait for the next opening. */
  async function defer(campaignId: string, key: RecipientKey, token: string, opening: Date): Promise<void> {
    const until = opening.toISOString();
    if (!(await d.ledger.deferred(key, until, token))) return;
    const plan = `${campaignId}|${until}`;
    if (!plannedReleases.has(plan)) {
      await d.launchQueue.send({ campaignId, gen: 0, action: 'plan_release', at: until });
      plannedReleases.add(plan);
    }
    d.logger.debug('recipient outside its quiet hours; waiting', {
      campaignId,
      to: maskPhone(key.phone),
      until,
    });
  }

  return { send };
}
