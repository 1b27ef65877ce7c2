/** A single message (not part of a campaign): its content, its progress, who asked for it. */
import type { CallbackRef, SendError, TemplateSnapshot } from './campaign';
import type { CitedSource } from './conversation';
import type { OutgoingMedia } from './media';

/** Why a single message was not sent. */
export type SkipReason = 'opted_out' | 'person_took_over';

export interface SingleMessage {
  readonly id: string;
  readonly to: string;
  readonly status: 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped';
  readonly text?: string;
  /** An uploaded image, document, audio or video (POST /api/media), sent with its caption. */
  readonly media?: OutgoingMedia;
  readonly template?: TemplateSnapshot;
  readonly variables?: Readonly<Record<string, string>>;
  readonly attempts: number;
  readonly wamid?: string;
  readonly lastError?: SendError;
  /** Who asked for it: the API, an agent, the assistant, or the platform (opt-out confirmations). */
  readonly source?: 'api' | 'agent' | 'ai' | 'system';
  /** Only for the confirmation of an opt-out, which must reach the contact who just opted out. */
  readonly ignoreOptOut?: boolean;
  /** The user who wrote an agent's reply (shown with it in the conversation). */
  readonly agent?: { readonly id: string; readonly name: string };
  /** The pages an assistant's answer came from. */
  readonly sources?: readonly CitedSource[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * How a status webhook finds the send it belongs to (the same reference as a send's callback data), and
 * the conversation's copy of the message (its contact and time), whose delivery ticks it also moves.
 */
export type WamidRef = CallbackRef & {
  readonly conversation?: { readonly contact: string; readonly at: string };
};
