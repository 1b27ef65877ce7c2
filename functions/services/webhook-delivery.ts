/**
 * The hooks function: posts each event, signed, to every subscription that wants it, keeps every
 * attempt (7 days), and plans retries as new delayed messages on its own queue (backoff with jitter,
 * Retry-After honoured, for the retry window). A subscription whose receiver failed for the whole window
 * is disabled and the alarm metric counted. Delivery is at least once: a receiver deduplicates by id.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ulid } from 'ulid';
import { forRecord } from '../correlation';
import type { PlatformEvent } from '../domain/webhooks/events';
import { failedTooLong, hopDelaySeconds, judge, nextStep, type RetryPolicy } from '../domain/webhooks/retry';
import { SIGNATURE_HEADER, signatureHeader } from '../domain/webhooks/signature';
import {
  DELIVERY_RETENTION_DAYS,
  type DeliveryAttempt,
  receives,
  signingSecrets,
  type WebhookMessage,
  type WebhookSubscription,
} from '../domain/webhooks/subscription';
import type { Logger } from '../logger';
import type { Clock, HookMetrics, HookQueue, WebhookPoster, WebhookStore } from '../ports';

export interface HookDeliveryDeps {
  readonly store: WebhookStore;
  readonly queue: HookQueue;
  readonly poster: WebhookPoster;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics?: HookMetrics;
  readonly policy: RetryPolicy;
  readonly random?: () => number;
}

const epochSeconds = (d: Date) => Math.floor(d.getTime() / 1000);

export function makeHookDelivery(d: HookDeliveryDeps) {
  /** One attempt of one event to one subscription, recorded, with its retry planned if it failed. */
  async function attempt(
    sub: WebhookSubscription,
    event: PlatformEvent,
    n: number,
    firstAttemptAt: Date,
    replayOf: string | undefined,
  ): Promise<void> {
    const body = JSON.stringify(event);
    const sentAt = d.clock.now();
    const answer = await d.poster.post(sub.url, body, {
      [SIGNATURE_HEADER]: signatureHeader(body, signingSecrets(sub, sentAt), epochSeconds(sentAt)),
      'X-Platform-Event-Id': event.id,
      'X-Platform-Event-Type': event.type,
    });
    const now = d.clock.now();
    const verdict = judge(answer, now);
    const step = nextStep(verdict, n, firstAttemptAt, now, d.policy, d.random);
    if (step.kind === 'retry') {
      // Queued before the attempt is recorded: a crash in between repeats the post, never loses it.
      const message: WebhookMessage = {
        kind: 'delivery',
        subscriptionId: sub.id,
        event,
        attempt: n + 1,
        firstAttemptAt: firstAttemptAt.toISOString(),
        notBefore: step.at.toISOString(),
        ...(replayOf ? { replayOf } : {}),
      };
      await d.queue.send(message, { delaySeconds: hopDelaySeconds(step.at, now) });
    }
    const status: DeliveryAttempt['status'] =
      step.kind === 'done' ? 'delivered' : step.kind === 'retry' ? 'retrying' : 'failed';
    const error =
      answer.kind === 'failed'
        ? answer.message
        : step.kind === 'give_up'
          ? step.why
          : verdict.outcome !== 'delivered'
            ? verdict.why
            : undefined;
    const record: DeliveryAttempt = {
      id: ulid(now.getTime()),
      subscriptionId: sub.id,
      eventId: event.id,
      eventType: event.type,
      attempt: n,
      status,
      at: sentAt.toISOString(),
      latencyMs: answer.ms,
      ...(answer.kind === 'answered' ? { responseStatus: answer.status } : {}),
      ...(answer.body ? { responseBody: answer.body } : {}),
      ...(error ? { error } : {}),
      ...(step.kind === 'retry' ? { nextAttemptAt: step.at.toISOString() } : {}),
      ...(replayOf ? { replayOf } : {}),
      event,
    };
    await d.store.putAttempt(record, epochSeconds(now) + DELIVERY_RETENTION_DAYS * 86_400);
    d.metrics?.attempt(status, answer.ms);
    if (status === 'delivered') {
      if (sub.failingSince) await d.store.noteSuccess(sub.id);
      return;
    }
    d.logger.warn('webhook delivery failed', {
      subscriptionId: sub.id,
      eventId: event.id,
      attempt: n,
      error,
      ...(step.kind === 'retry' ? { nextAttemptAt: step.at.toISOString() } : {}),
    });
    const updated = await d.store.noteFailure(sub.id, now.toISOString());
    if (updated?.status === 'active' && failedTooLong(updated.failingSince, now, d.policy)) {
      const reason = `every delivery failed since ${updated.failingSince} (latest: ${error ?? 'failed'})`;
      if (await d.store.disable(sub.id, now.toISOString(), reason)) {
        d.metrics?.disabled();
        d.logger.error('webhook subscription disabled: its receiver failed for the whole retry window', {
          subscriptionId: sub.id,
          reason,
        });
      }
    }
  }

  async function handle(message: WebhookMessage, subscriptions: () => Promise<WebhookSubscription[]>) {
    if (message.kind === 'event') {
      const targets = (await subscriptions()).filter((s) => receives(s, message.event.type));
      const now = d.clock.now();
      // Each receiver on its own: a slow one does not hold the others.
      await Promise.all(targets.map((s) => attempt(s, message.event, 1, now, undefined)));
      return;
    }
    const now = d.clock.now();
    if (message.notBefore && Date.parse(message.notBefore) - now.getTime() > 1000) {
      // A wait longer than SQS's longest delay: back on the queue for the rest of it.
      await d.queue.send(message, { delaySeconds: hopDelaySeconds(new Date(message.notBefore), now) });
      return;
    }
    const sub = await d.store.get(message.subscriptionId);
    if (!sub || sub.status !== 'active') {
      d.logger.info('webhook delivery dropped: the subscription is gone or not active', {
        subscriptionId: message.subscriptionId,
        eventId: message.event.id,
        status: sub?.status ?? 'deleted',
      });
      return;
    }
    await attempt(sub, message.event, message.attempt, new Date(message.firstAttemptAt), message.replayOf);
  }

  return async function deliver(event: SQSEvent): Promise<SQSBatchResponse> {
    let listed: Promise<WebhookSubscription[]> | undefined;
    // One read of the subscriptions per batch, shared by its events.
    const subscriptions = () => {
      listed ??= d.store.list();
      return listed;
    };
    const failures: { itemIdentifier: string }[] = [];
    await Promise.all(
      event.Records.map(async (record) => {
        const message = readMessage(record.body);
        if (!message) {
          // Redelivering it would never make it readable: it would only end in the dead-letter queue.
          d.logger.error('webhook job is not a webhook message; dropping it', {
            messageId: record.messageId,
          });
          return;
        }
        try {
          await forRecord(record, () => handle(message, subscriptions));
        } catch (error) {
          d.logger.error('webhook job failed; it will be retried', {
            messageId: record.messageId,
            error: String(error),
          });
          failures.push({ itemIdentifier: record.messageId });
        }
      }),
    );
    d.metrics?.flush();
    return { batchItemFailures: failures };
  };
}

/** The queue message, or undefined when the body is not one (not JSON, or JSON of another shape). */
function readMessage(body: string): WebhookMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  const m = value as Partial<WebhookMessage> | null;
  if (!m || typeof m !== 'object' || (m.kind !== 'event' && m.kind !== 'delivery')) return undefined;
  if (typeof m.event?.id !== 'string' || typeof m.event.type !== 'string') return undefined;
  if (m.kind === 'delivery' && (typeof m.subscriptionId !== 'string' || typeof m.attempt !== 'number'))
    return undefined;
  return m as WebhookMessage;
}
