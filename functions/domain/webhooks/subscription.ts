/**
 * A subscription: where the business wants events posted, which ones, and the secret they are signed
 * with. Pure rules: which secrets sign a request, which event types anybody wants, and the states.
 */
import { randomBytes } from 'node:crypto';
import {
  ALL_EVENTS,
  EVENT_TYPES,
  type EventFilter,
  type EventType,
  type PlatformEvent,
  wants,
} from './events';

/**
 * `active` receives events; `paused` by the business (PATCH paused); `disabled` by the platform after
 * its receiver failed for the whole failure window (PATCH paused: false turns it on again).
 */
export type SubscriptionStatus = 'active' | 'paused' | 'disabled';

export interface WebhookSubscription {
  readonly id: string;
  readonly url: string;
  readonly events: readonly EventFilter[];
  readonly description: string;
  readonly status: SubscriptionStatus;
  /** The signing secret. Shown once (on creation and rotation); stored to sign with. */
  readonly secret: string;
  /** The secret before the latest rotation, still signed with until `previousSecretExpiresAt`. */
  readonly previousSecret?: string;
  readonly previousSecretExpiresAt?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The first failed attempt since the latest success; unset while deliveries succeed. */
  readonly failingSince?: string;
  readonly disabledAt?: string;
  readonly disabledReason?: string;
}

/** The most subscriptions an installation keeps: each event is delivered to each, and they are few. */
export const MAX_SUBSCRIPTIONS = 25;
/** How long the secret before a rotation still signs requests. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The secrets a request is signed with now: the current one, and the previous while it is still valid. */
export function signingSecrets(
  s: Pick<WebhookSubscription, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>,
  now: Date,
): string[] {
  const previousValid =
    s.previousSecret !== undefined &&
    s.previousSecretExpiresAt !== undefined &&
    Date.parse(s.previousSecretExpiresAt) > now.getTime();
  return previousValid ? [s.secret, s.previousSecret!] : [s.secret];
}

/** The secrets after a rotation: the new one signs first, the old one alongside for a day. */
export function rotated(
  s: Pick<WebhookSubscription, 'secret'>,
  now: Date,
): Pick<WebhookSubscription, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'> {
  return {
    secret: newSecret(),
    previousSecret: s.secret,
    previousSecretExpiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
  };
}

export function receives(s: Pick<WebhookSubscription, 'status' | 'events'>, type: EventType): boolean {
  return s.status === 'active' && wants(s.events, type);
}

/**
 * The event types at least one active subscription wants (with "*" when one wants them all): what the
 * publishers read, so an event nobody wants is never queued.
 */
export function wantedTypes(subs: readonly Pick<WebhookSubscription, 'status' | 'events'>[]): string[] {
  const types = new Set<string>();
  for (const s of subs) if (s.status === 'active') for (const e of s.events) types.add(e);
  return types.has(ALL_EVENTS) ? [ALL_EVENTS] : [...types].sort();
}

/** The filter as stored: "*" alone when it is there, otherwise each type once, in the documented order. */
export function normalisedFilter(events: readonly EventFilter[]): EventFilter[] {
  if (events.includes(ALL_EVENTS)) return [ALL_EVENTS];
  return EVENT_TYPES.filter((type) => events.includes(type));
}

/** One attempt to deliver one event to one subscription, kept 7 days (GET .../deliveries). */
export interface DeliveryAttempt {
  readonly id: string;
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: EventType;
  /** 1 for the first attempt; a replay starts again at 1. */
  readonly attempt: number;
  /** delivered; retrying (another attempt is planned at nextAttemptAt); failed (no more attempts). */
  readonly status: 'delivered' | 'retrying' | 'failed';
  readonly at: string;
  readonly latencyMs: number;
  readonly responseStatus?: number;
  /** The first bytes of the receiver's answer (RESPONSE_EXCERPT_BYTES). */
  readonly responseBody?: string;
  readonly error?: string;
  readonly nextAttemptAt?: string;
  /** The delivery this one replays (POST .../replay). */
  readonly replayOf?: string;
  /** The event exactly as posted, so a replay sends the same body. */
  readonly event: PlatformEvent;
}

export const DELIVERY_RETENTION_DAYS = 7;
export const RESPONSE_EXCERPT_BYTES = 500;

/**
 * A queue message of the delivery function: an event to fan out to every subscription that wants it,
 * or one subscription's (re)attempt of one event.
 */
export type WebhookMessage =
  | { readonly kind: 'event'; readonly event: PlatformEvent }
  | {
      readonly kind: 'delivery';
      readonly subscriptionId: string;
      readonly event: PlatformEvent;
      readonly attempt: number;
      readonly firstAttemptAt: string;
      /** Not before this time (a wait longer than a queue delay arrives early and goes back). */
      readonly notBefore?: string;
      readonly replayOf?: string;
    };
