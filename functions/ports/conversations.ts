/** Conversations, canned replies and the assistant's inbound queue. */
import type { CannedReply } from '../domain/canned-reply';
import type { Conversation, ConversationMessage, InboundJob, MessageDelivery } from '../domain/conversation';
import type { ConversationStatus, StatusAction, StatusActor } from '../domain/conversation-status';
import type { Page } from '../domain/page';

/** `previous` is the customer message the assistant answered before this one (where this burst starts). */
export type AiReplyClaim =
  | { readonly outcome: 'claimed' | 'already'; readonly previous?: string }
  | { readonly outcome: 'refused' };

export interface ConversationListOptions {
  readonly limit: number;
  readonly cursor?: string;
  readonly needsHuman?: boolean;
  readonly status?: ConversationStatus;
  readonly assigneeId?: string;
  /** Only conversations whose customer waits for an answer. */
  readonly waiting?: boolean;
  /** A `changeCursor` from an earlier answer: only what changed since (see Conversation.changedAt). */
  readonly changedSince?: string;
}

/** A delivery status for the conversation's copy of an outbound message (found by its time and wamid). */
export interface DeliveryTick extends MessageDelivery {
  readonly contact: string;
  readonly messageAt: string;
  readonly wamid: string;
}

/** Which campaigns messaged a customer in a period (for their replies and opt-outs in the analytics). */
export interface CampaignMessageLookup {
  campaignsMessaged(contact: string, since: string, until: string): Promise<string[]>;
}

export interface ConversationStore {
  /** Stores a message once (by contact, time and wamid) and refreshes the conversation; false if already stored. */
  append(message: ConversationMessage, profile?: { name?: string; userId?: string }): Promise<boolean>;
  get(contact: string): Promise<Conversation | undefined>;
  /**
   * Latest change first, filtered; or, with `changedSince`, every conversation changed after that cursor
   * (oldest change first, filters ignored). List items leave out the status history.
   */
  list(options: ConversationListOptions): Promise<Page<Conversation>>;
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
   * Records a delivery status on an outbound message of the conversation: `unchanged` for a late or
   * repeated status, `missing` when the conversation does not hold the message (yet).
   */
  applyDelivery(tick: DeliveryTick): Promise<'moved' | 'unchanged' | 'missing'>;
  /** A person has seen the conversation: its unread count goes to 0 (`wasUnread` is what it was). */
  markRead(contact: string): Promise<{ conversation: Conversation; wasUnread: number }>;
  /**
   * Moves a conversation kept under a user id to the customer's phone, once both are known: its messages
   * join the phone's conversation (each once), and the old one leaves the list, pointing to the new.
   */
  mergeInto(fromContact: string, toContact: string): Promise<number>;
}

/** The team's canned replies (at most a few hundred; read all at once). */
export interface CannedReplyStore {
  list(): Promise<CannedReply[]>;
  /** Creates or replaces the reply with this shortcut. */
  put(reply: CannedReply): Promise<void>;
  /** False if there was none. */
  delete(shortcut: string): Promise<boolean>;
}

/** A conversation that now waits for a person (status open). */
export interface HandoffAlert {
  readonly contact: string;
  readonly profileName?: string;
  readonly reason?: string;
  readonly at: string;
}

/** Tells people that a customer waits for one (SNS in AWS, a log line locally). */
export interface HandoffAlerts {
  handedOff(alert: HandoffAlert): Promise<void>;
}

export interface InboundQueue {
  /** `delaySeconds` holds the job back so a customer's rapid messages are answered together. */
  send(item: InboundJob, options?: { delaySeconds?: number }): Promise<void>;
}
