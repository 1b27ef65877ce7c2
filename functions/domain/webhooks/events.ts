/**
 * The events the platform tells the business's own systems about (outbound webhooks). Each is an
 * envelope with a stable id (a ULID: the same event keeps it through every retry and replay, so a
 * receiver deduplicates by it), its type, when it happened, the payload's version, and the payload.
 * Events of one subscription are not delivered in order: a retried event arrives after newer ones.
 */

/** Every event type, as a subscription names it ("*" subscribes to all of them, present and future). */
export const EVENT_TYPES = [
  'message.sent',
  'message.delivered',
  'message.read',
  'message.failed',
  'message.received',
  'button.clicked',
  'conversation.handoff',
  'conversation.assigned',
  'conversation.resolved',
  'contact.opted_out',
  'contact.opted_in',
  'campaign.started',
  'campaign.paused',
  'campaign.completed',
  'campaign.cancelled',
  'template.status_changed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
export const ALL_EVENTS = '*';
export type EventFilter = EventType | typeof ALL_EVENTS;

/** The payload's version: a change that could break a receiver comes as a new version, never silently. */
export const EVENT_VERSION = 1;

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

/** A WhatsApp error as the platform records it (Meta's code, title and details, or the platform's own). */
export interface EventError {
  readonly code: string | number | null;
  readonly title: string;
  readonly message?: string;
  readonly details?: string;
}

/** Who acted on a conversation: a console user, an API key, the assistant, or the customer by writing. */
export interface EventActor {
  readonly kind: 'user' | 'api' | 'assistant' | 'customer';
  readonly id?: string;
  readonly name?: string;
}

/** An outbound message's progress; `at` is WhatsApp's time for statuses, the platform's for sends. */
export interface MessageStatusData {
  readonly wamid: string;
  /** The customer: E.164, or a business-scoped user id when WhatsApp gave only that. */
  readonly to: string;
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  readonly at: string;
  readonly campaignId?: string;
  /** A single message's id (POST /api/messages, an agent's reply, the assistant's). */
  readonly messageId?: string;
  readonly source?: string;
  readonly error?: EventError;
  /** Failed only: whether a campaign retry may send it again. */
  readonly retryable?: boolean;
}

export interface MediaReference {
  readonly id: string;
  readonly kind: string;
  readonly mimeType: string;
  readonly size?: number;
  readonly filename?: string;
  readonly caption?: string;
  /** The API path that serves the file (GET, with the API key). */
  readonly url: string;
}

export interface MessageReceivedData {
  readonly wamid: string;
  readonly from: string;
  readonly profileName?: string;
  readonly type: string;
  readonly text?: string;
  readonly summary: string;
  readonly at: string;
  /** The message it replies to, when the customer replied to one. */
  readonly contextWamid?: string;
  readonly media?: MediaReference;
  /** Why the media could not be kept, in words. */
  readonly mediaError?: string;
}

export interface ButtonClickedData {
  readonly wamid: string;
  readonly from: string;
  readonly text: string;
  readonly payload?: string;
  readonly at: string;
  /** The message whose button was tapped, and the campaign that sent it when it was a campaign's. */
  readonly contextWamid?: string;
  readonly campaignId?: string;
}

export interface ConversationData {
  readonly contact: string;
  readonly profileName?: string;
  readonly status: 'open' | 'assigned' | 'resolved';
  readonly at: string;
  readonly by?: EventActor;
  readonly reason?: string;
  readonly assigneeId?: string;
  readonly assigneeName?: string;
}

export interface ContactOptData {
  readonly contact: string;
  /** `all` for every message, `marketing` for promotions only. */
  readonly scope: 'all' | 'marketing';
  /** keyword (STOP/START), user_preferences (WhatsApp's own setting), whatsapp_131050. */
  readonly source: string;
  readonly at: string;
}

export interface CampaignData {
  readonly campaignId: string;
  readonly name: string;
  readonly state: 'running' | 'paused' | 'completed' | 'cancelled' | 'scheduled';
  readonly at: string;
  readonly recurring?: boolean;
  readonly seriesId?: string;
  readonly total?: number;
  /** Started only: true when it went on after a pause or a retry rather than starting afresh. */
  readonly resumed?: boolean;
  readonly pauseReason?: string;
  /** Completed only: the recipients by status. */
  readonly counts?: Readonly<Record<string, number>>;
}

export interface TemplateStatusData {
  readonly name: string;
  readonly language: string;
  readonly status: string;
  readonly previousStatus?: string;
  readonly metaId?: string;
  readonly category?: string;
  readonly reason?: string;
  readonly at: string;
}

export interface EventData {
  'message.sent': MessageStatusData;
  'message.delivered': MessageStatusData;
  'message.read': MessageStatusData;
  'message.failed': MessageStatusData;
  'message.received': MessageReceivedData;
  'button.clicked': ButtonClickedData;
  'conversation.handoff': ConversationData;
  'conversation.assigned': ConversationData;
  'conversation.resolved': ConversationData;
  'contact.opted_out': ContactOptData;
  'contact.opted_in': ContactOptData;
  'campaign.started': CampaignData;
  'campaign.paused': CampaignData;
  'campaign.completed': CampaignData;
  'campaign.cancelled': CampaignData;
  'template.status_changed': TemplateStatusData;
}

export interface PlatformEvent<T extends EventType = EventType> {
  readonly id: string;
  readonly type: T;
  /**
   * When it happened (ISO 8601): WhatsApp's own time (whole seconds) for what a Meta webhook reported (a
   * status, a customer's message), the platform's clock for the rest.
   */
  readonly time: string;
  readonly version: typeof EVENT_VERSION;
  readonly data: EventData[T];
}

export function platformEvent<T extends EventType>(
  id: string,
  type: T,
  data: EventData[T],
  at: Date,
): PlatformEvent<T> {
  return { id, type, time: at.toISOString(), version: EVENT_VERSION, data };
}

/** Whether a subscription's filter takes this type. */
export function wants(filter: readonly string[], type: EventType): boolean {
  return filter.includes(ALL_EVENTS) || filter.includes(type);
}
