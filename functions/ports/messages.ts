/** Single messages, the send queue, and delivery statuses applied from webhooks. */
import type { SendError, SendTask } from '../domain/campaign';
import type { ConversationMessage } from '../domain/conversation';
import type { SingleMessage, SkipReason, WamidRef } from '../domain/message';
import type { RecipientStatus, StatusChange, StatusUpdate } from '../domain/recipient-status';
import type { RecipientKey } from './campaigns';

export interface MessageStore {
  /** Throws ConflictError if a message with this id exists (ids of replies are derived, so retries collide). */
  create(message: SingleMessage): Promise<void>;
  get(id: string): Promise<SingleMessage | undefined>;
  claim(id: string, token: string, nowMs: number, leaseMs: number): Promise<boolean>;
  markSent(id: string, token: string, wamid: string, at: string): Promise<boolean>;
  markFailed(
    id: string,
    token: string,
    error: SendError,
    options: { countAttempt: boolean },
    at: string,
  ): Promise<boolean>;

  release(id: string, token: string, options: { error?: SendError; countAttempt: boolean }): Promise<void>;
  /** Skips a queued message: the contact opted out, or a person took the conversation from the assistant. */
  markSkipped(id: string, at: string, reason?: SkipReason): Promise<boolean>;
  putWamidRef(wamid: string, ref: WamidRef, expiresAtEpochSeconds: number): Promise<void>;
  getWamidRef(wamid: string): Promise<WamidRef | undefined>;
}

/**
 * What a sent message leaves behind, written together: the wamid lookup the status webhooks find it by,
 * and its place in the customer's conversation (the message, then the conversation's summary).
 */
export interface SentRecords {
  record(message: ConversationMessage, ref: WamidRef, expiresAtEpochSeconds: number): Promise<void>;
}

/** Read receipts (and the typing indicator) for a customer's message, sent through the send worker. */
export interface ReadReceipts {
  markRead(contact: string, wamid: string, options: { typing: boolean }): Promise<void>;
}

export interface SendQueue {
  /** Enqueues jobs with SendMessageBatch, 10 per call, calls in parallel. */
  enqueue(tasks: readonly SendTask[], options?: { delaySeconds?: number }): Promise<void>;
}

/** Delays the redelivery of a received SQS message (backoff for a retry). */
export interface RedeliveryControl {
  retryAfter(receiptHandle: string, seconds: number): Promise<void>;
}

export interface StatusTarget {
  /** Applies a status to a campaign recipient; `undefined` when the recipient does not exist. */
  applyToRecipient(key: RecipientKey, update: StatusUpdate): Promise<StatusChange | undefined>;
  applyToMessage(messageId: string, update: StatusUpdate): Promise<StatusChange | undefined>;
  /**
   * Meta held a marketing message back (131049): the recipient goes back to queued, waiting until `until`,
   * once per recipient. The status it left, 'already' for the same message's 131049 again, or undefined when it cannot (already held back once, or not
   * sent or queued): then the failure stands.
   */
  holdBack?(
    key: RecipientKey,
    wamid: string,
    error: SendError,
    until: string,
    at: string,
  ): Promise<RecipientStatus | 'already' | undefined>;
}
