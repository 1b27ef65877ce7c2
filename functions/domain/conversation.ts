/** A customer's conversation: its messages in order, and whether the assistant or a person answers. */
import type { ConversationStatus, StatusChange } from './conversation-status';

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
  /** Derived from `status`: open or assigned (kept for clients written before statuses). */
  readonly needsHuman: boolean;
  readonly status: ConversationStatus;
  readonly assigneeId?: string;
  readonly assigneeName?: string;
  readonly statusChangedAt?: string;
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
