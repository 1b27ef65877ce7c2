/**
 * Every single message leaves through here: the policy is applied once (no free-form text outside the
 * customer's 24-hour window, nothing to a contact who opted out, unless it confirms that opt-out), the
 * message is stored, and then queued for the send worker. The API, agents' replies, the assistant and
 * opt-out confirmations all use it, so they cannot disagree about what may be sent.
 */
import type { TemplateSnapshot } from '../domain/campaign';
import { ConflictError } from '../domain/errors';
import { isUserId } from '../domain/identity';
import { type OutgoingMedia, outgoingMediaProblem } from '../domain/media';
import type { SingleMessage } from '../domain/message';
import type { Mode } from '../domain/mode';
import { decideContent, isWindowOpen } from '../domain/send-decision';
import type { Clock, ContactStore, MessageStore, SendQueue } from '../ports';

/**
 * Why a message may not be sent: the contact opted out, the window is closed for free-form text, a
 * template needs a Meta-approved mapping here (the API answers 409), or the template cannot be rendered
 * with these variables (422).
 */
export class OutboxRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  get status(): 409 | 422 {
    return ['opted_out', 'window_closed', 'template_required'].includes(this.code) ? 409 : 422;
  }
}

export const WINDOW_CLOSED =
  "the customer's 24-hour service window is closed: WhatsApp only delivers templates now; send one with templateId";

export interface OutgoingMessage {
  readonly id: string;
  readonly to: string;
  readonly source: NonNullable<SingleMessage['source']>;
  readonly text?: string;
  /**
   * An upload (POST /api/media answers its id, kind, mimeType, size and filename) sent as an image,
   * document, audio or video, with `caption`; free-form like text, so only inside the window. Not with text.
   */
  readonly media?: OutgoingMedia;
  readonly template?: TemplateSnapshot;
  readonly variables?: Readonly<Record<string, string>>;
  /** Only for the confirmation of an opt-out, which must reach the contact who just opted out. */
  readonly ignoreOptOut?: boolean;
  readonly agent?: SingleMessage['agent'];
  readonly sources?: SingleMessage['sources'];
}

export interface OutboxDeps {
  readonly messages: MessageStore;
  readonly sendQueue: SendQueue;
  readonly contacts: Pick<ContactStore, 'get'>;
  readonly clock: Clock;
  readonly mode: Mode;
}

export class Outbox {
  constructor(private readonly d: OutboxDeps) {}

  /**
   * Refuses what may not go out now: any message to a contact who opted out (of marketing, for a
   * marketing template), and free-form text outside the window. The send worker checks again at send time.
   */
  async check(
    message: Pick<OutgoingMessage, 'to' | 'text' | 'media' | 'template' | 'variables' | 'ignoreOptOut'>,
  ): Promise<void> {
    if (message.media) {
      const problem =
        message.text !== undefined || message.template
          ? 'a media message carries its words as media.caption, not with text or a template'
          : outgoingMediaProblem(message.media);
      if (problem) throw new OutboxRefusal('invalid_media', problem);
    }
    const contact = await this.d.contacts.get(message.to);
    if (!message.ignoreOptOut) {
      if (contact?.optedOut) {
        throw new OutboxRefusal('opted_out', `${message.to} has opted out of messages from this business`);
      }
      if (message.template?.category === 'marketing' && contact?.marketingOptOut) {
        throw new OutboxRefusal('opted_out', `${message.to} has opted out of marketing messages`);
      }
    }
    const windowOpen = isWindowOpen(contact?.lastInboundAt, this.d.clock.now());
    if ((message.text !== undefined || message.media) && !windowOpen) {
      throw new OutboxRefusal('window_closed', WINDOW_CLOSED);
    }
    if (message.template?.category === 'authentication' && isUserId(message.to)) {
      throw new OutboxRefusal(
        'phone_required',
        'authentication templates cannot be sent to a business-scoped user id; WhatsApp needs the phone number',
      );
    }
    if (message.template) {
      const decision = decideContent(message.template, message.variables ?? {}, windowOpen, this.d.mode);
      if (!decision.ok) throw new OutboxRefusal(decision.code, decision.message);
    }
  }

  /**
   * Stores the message and queues it. An id that exists already (a retried job derives the same id) is
   * queued again rather than stored twice; the worker sends each message once whatever the queue does.
   */
  async queue(message: OutgoingMessage): Promise<SingleMessage> {
    const now = this.d.clock.now().toISOString();
    const stored: SingleMessage = {
      id: message.id,
      to: message.to,
      status: 'queued',
      attempts: 0,
      source: message.source,
      createdAt: now,
      updatedAt: now,
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.media ? { media: message.media } : {}),
      ...(message.template ? { template: message.template, variables: message.variables ?? {} } : {}),
      ...(message.ignoreOptOut ? { ignoreOptOut: true } : {}),
      ...(message.agent ? { agent: message.agent } : {}),
      ...(message.sources?.length ? { sources: message.sources } : {}),
    };
    try {
      await this.d.messages.create(stored);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
    }
    await this.d.sendQueue.enqueue([{ kind: 'message', messageId: message.id }]);
    return stored;
  }

  /** The policy, then the message: what the API and agents use. */
  async send(message: OutgoingMessage): Promise<SingleMessage> {
    await this.check(message);
    return this.queue(message);
  }
}
