/**
 * Publishing the platform's events to the business's webhooks: each event is queued for the hooks
 * function only when some active subscription wants its type. The subscriptions are read at most every
 * SUBSCRIPTIONS_MAX_AGE_MS, so a new subscription hears events from within that time of its creation.
 */
import type { PlatformEvent } from '../domain/webhooks/events';
import { ALL_EVENTS } from '../domain/webhooks/events';
import { wantedTypes } from '../domain/webhooks/subscription';
import type { Logger } from '../logger';
import type { Clock, EventPublisher, HookQueue, WebhookStore } from '../ports';

export const SUBSCRIPTIONS_MAX_AGE_MS = 5000;

export class SubscribedEventPublisher implements EventPublisher {
  private wanted?: { types: readonly string[]; readAt: number };

  constructor(
    private readonly store: Pick<WebhookStore, 'list'>,
    private readonly queue: HookQueue,
    private readonly clock: Clock,
    private readonly maxAgeMs = SUBSCRIPTIONS_MAX_AGE_MS,
  ) {}

  async publish(events: readonly PlatformEvent[]): Promise<void> {
    if (events.length === 0) return;
    const types = await this.wantedTypes();
    if (types.length === 0) return;
    const wanted = types.includes(ALL_EVENTS) ? events : events.filter((e) => types.includes(e.type));
    await Promise.all(wanted.map((event) => this.queue.send({ kind: 'event', event })));
  }

  private async wantedTypes(): Promise<readonly string[]> {
    const now = this.clock.now().getTime();
    if (!this.wanted || now - this.wanted.readAt > this.maxAgeMs) {
      this.wanted = { types: wantedTypes(await this.store.list()), readAt: now };
    }
    return this.wanted.types;
  }
}

/**
 * For parts whose own change is already written when they announce it (a campaign's state, a
 * conversation's status): a failed publish is logged with a metric rather than failing the change.
 */
export function bestEffort(publisher: EventPublisher, logger: Logger): EventPublisher {
  return {
    async publish(events) {
      try {
        await publisher.publish(events);
      } catch (error) {
        logger.error('could not queue events for the webhooks', {
          types: events.map((e) => e.type),
          error: String(error),
          metric: 'webhook_event_lost',
        });
      }
    },
  };
}

export const noEvents: EventPublisher = { async publish() {} };
