/** A customer's conversation: its messages in order, and whether the assistant or a person answers. */
import type { SendError } from './campaign';
import type { ConversationStatus, StatusChange } from './conversation-status';
import type { ConversationMedia } from './media';

/** Where a delivery status stands on an outbound message (from WhatsApp's status webhooks). */
export interface MessageDelivery {
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  readonly at: string;
  /** WhatsApp's error for a failed message: its code, title and details. */
  readonly error?: SendError;
}

/** A page the assistant's answer was taken from. */
export interface CitedSource {
  readonly url: string;
  readonly title?: string;
}

export interface ConversationMessage {
  readonly contact: string;
  /** WhatsApp's message id; a private note has an id of its own (note.<ulid>). */
  readonly wamid: string;
  /** A note is written by a person for the team; the customer never sees it. */
  readonly direction: 'in' | 'out' | 'note';
  readonly at: string;
  readonly type: string;
  readonly text?: string;
  readonly summary: string;
  /** Who sent an outbound message: a campaign, the API, an agent, the assistant, or the platform itself. */
  readonly source?: 'customer' | 'campaign' | 'api' | 'agent' | 'ai' | 'system';
  readonly campaignId?: string;
  /** The user who wrote an agent's reply or a note. */
  readonly agent?: { readonly id: string; readonly name: string };
  /** The pages an assistant's answer came from. */
  readonly sources?: readonly CitedSource[];
  /** Outbound only: the latest delivery status WhatsApp reported (sent when the message is recorded). */
  readonly delivery?: MessageDelivery;
  /** The image, document, audio, video or sticker, kept in the media bucket (GET media.url). */
  readonly media?: ConversationMedia;
  /** Why a customer's media could not be kept, in words ("the image is 7.2 MB; the limit is 5 MB"). */
  readonly mediaError?: string;
}

export interface Conversation {
  readonly contact: string;
  readonly profileName?: string;
  readonly userId?: string;
  readonly lastMessageAt: string;
  readonly lastMessagePreview: string;
  readonly lastDirection: 'in' | 'out';
  readonly aiEnabled: boolean;
  /** Derived from `status`: open or assigned (kept for clients written before statuses). */
  readonly needsHuman: boolean;
  readonly status: ConversationStatus;
  readonly assigneeId?: string;
  readonly assigneeName?: string;
  readonly statusChangedAt?: string;
  /** Customer messages since a person last opened the conversation (POST .../read) or answered it. */
  readonly unread?: number;
  /** When the customer's oldest unanswered message arrived; absent once the business has answered. */
  readonly waitingSince?: string;
  /** The customer's latest message (the one a read receipt marks). */
  readonly lastInboundWamid?: string;
  /** The platform's time of the latest change (message, status): the list's order and its polling cursor. */
  readonly changedAt?: string;
  /** The latest status changes, oldest first (at most MAX_STATUS_HISTORY). */
  readonly history?: readonly StatusChange[];
}

export interface InboundJob {
  readonly contact: string;
  readonly wamid: string;
  readonly type: string;
  readonly text?: string;
  readonly at: string;
}

/**
 * The most of a message's text kept in the conversation: WhatsApp's own texts are at most 4,096 characters,
 * but some message kinds carry more (forms, contact cards), and a store item holds 400 KB.
 */
export const MAX_STORED_TEXT = 16_384;

export function storedText(text: string): string {
  return text.length <= MAX_STORED_TEXT
    ? text
    : `${text.slice(0, MAX_STORED_TEXT)} … (${text.length - MAX_STORED_TEXT} more characters not kept)`;
}
