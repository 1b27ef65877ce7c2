/** Conversations and the assistant's inbound queue. */
import type { Conversation, ConversationMessage, InboundJob } from '../domain/conversation';
import type { ConversationStatus, StatusAction, StatusActor } from '../domain/conversation-status';
import type { Page } from '../domain/page';

/** `previous` is the customer message the assistant answered before this one (where this burst starts). */
export type AiReplyClaim =
  | { readonly outcome: 'claimed' | 'already'; readonly previous?: string }
  | { readonly outcome: 'refused' };

export interface ConversationStore {
  /** Stores a message once (by contact, time and wamid) and refreshes the conversation; false if already stored. */
  append(message: ConversationMessage, profile?: { name?: string; userId?: string }): Promise<boolean>;
  get(contact: string): Promise<Conversation | undefined>;
  /** Newest activity first; list items leave out the status history (GET one conversation has it). */
  list(options: {
    limit: number;
    cursor?: string;
    needsHuman?: boolean;
    status?: ConversationStatus;
  }): Promise<Page<Conversation>>;
  messages(
    contact: string,
    options: { limit: number; cursor?: string; newestFirst?: boolean },
  ): Promise<Page<ConversationMessage>>;
  update(contact: string, patch: { aiEnabled?: boolean }): Promise<Conversation>;
  /**
   * Moves the conversation through its states (domain/conversation-status.ts), conditionally on the state
   * it read, and records the change. Throws NotFoundError, or ConversationStateError for a refused move.
   */
  changeStatus(
    contact: string,
    action: StatusAction,
    by: StatusActor,
    at: string,
  ): Promise<{ conversation: Conversation; changed: boolean }>;
  /**
   * Takes the right to answer one inbound message for the assistant: only while AI is on and the status is
   * `ai`, and once per message. `already` means an earlier attempt took it (a retried job).
   */
  claimAiReply(contact: string, wamid: string): Promise<AiReplyClaim>;
  /**
   * Hands the conversation to a person (status `open`); false if it already waited for one, a person
   * owns it, or there is no such conversation. The assistant hands over unless `by` says otherwise.
   */
  requestHuman(
    contact: string,
    options?: { by?: StatusActor; reason?: string; at?: string },
  ): Promise<boolean>;
  /**
   * Moves a conversation kept under a user id to the customer's phone, once both are known: its messages
   * join the phone's conversation (each once), and the old one leaves the list, pointing to the new.
   */
  mergeInto(fromContact: string, toContact: string): Promise<number>;
}

export interface InboundQueue {
  /** `delaySeconds` holds the job back so a customer's rapid messages are answered together. */
  send(item: InboundJob, options?: { delaySeconds?: number }): Promise<void>;
}
