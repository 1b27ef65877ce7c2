/** One Graph call through the pacer, counted; and every outbound message joining its conversation. */
import type { SendError } from '../../domain/campaign';
import type { ConversationMessage } from '../../domain/conversation';
import { sentMedia } from '../../domain/media';
import type { WamidRef } from '../../domain/message';
import { describeContent, isStoredMedia, type OutboundContent } from '../../domain/outbound-message';
import type { SendFailure } from '../../domain/whatsapp-errors';
import type { Logger } from '../../logger';
import type { SendMetrics, SendResult, SentRecords, WhatsAppSender } from '../../ports';
import type { SendPacer } from '../pacer';
import { GraphTroubleLog, troubleKind } from './graph-trouble';

/** Wamid lookups outlive WhatsApp's 30-day message lifetime. */
export const WAMID_REF_TTL_SECONDS = 35 * 24 * 3600;

/**
 * Time kept after a Graph request's timeout for the writes that record its answer: a request starts only
 * if it ends this long before the job's claim (and its Lambda invocation) does.
 */
export const RECORD_MARGIN_MS = 1000;

export interface DeliveryDeps {
  readonly whatsapp: WhatsAppSender;
  readonly pacer: SendPacer;
  readonly metrics: SendMetrics;
  /** The wamid lookup and the conversation message of each sent message, written together. */
  readonly sent: SentRecords;
  /** Where 5xx answers, timeouts and 130429 are told (sampled); nowhere if left out. */
  readonly logger?: Logger;
}

/** What a send is part of, for its logs and metrics. */
export interface SendAbout {
  readonly campaignId?: string;
}

export class Delivery {
  /** Graph trouble (5xx, timeouts, 130429), told once per kind, campaign and minute. */
  readonly trouble: GraphTroubleLog | undefined;

  constructor(private readonly d: DeliveryDeps) {
    this.trouble = d.logger ? new GraphTroubleLog(d.logger) : undefined;
  }

  async send(
    to: string,
    content: OutboundContent,
    callbackData: string,
    about: SendAbout = {},
  ): Promise<SendResult> {
    await this.d.pacer.acquire();
    return this.call(to, content, callbackData, about);
  }

  /**
   * Waits for the pacer, then sends unless `stillWanted` (asked after the wait, right before the call)
   * says no: then nothing is sent, the pacer's slot goes to the next job, and the answer is undefined.
   */
  async sendIf(
    stillWanted: () => Promise<boolean>,
    to: string,
    content: OutboundContent,
    callbackData: string,
    about: SendAbout = {},
  ): Promise<SendResult | undefined> {
    await this.d.pacer.acquire();
    let wanted: boolean;
    try {
      wanted = await stillWanted();
    } catch (error) {
      this.d.pacer.refund();
      throw error;
    }
    if (!wanted) {
      this.d.pacer.refund();
      return undefined;
    }
    return this.call(to, content, callbackData, about);
  }

  private async call(
    to: string,
    content: OutboundContent,
    callbackData: string,
    about: SendAbout,
  ): Promise<SendResult> {
    const started = performance.now();
    const result = await this.d.whatsapp.send({ to, content, callbackData });
    this.d.metrics.latency(performance.now() - started);
    if (result.ok) {
      this.d.metrics.sent();
      return result;
    }
    const failure = result.failure;
    this.d.metrics.failed(String(failure.code ?? failure.httpStatus ?? 'network'));
    const kind = troubleKind(failure);
    if (kind) {
      this.d.metrics.trouble(kind, about.campaignId);
      this.trouble?.note(kind, failure, about.campaignId);
    }
    if (failure.code === 130429) {
      // Throughput limit hit: hold this worker's sends back a second.
      this.d.pacer.pause(1000);
    } else if (!failure.uncertain && failure.action !== 'pause') {
      // WhatsApp answered with an error, so no message went out: the slot goes to the next job. (A
      // timeout keeps its slot: the request may have been accepted. An account error will fail every
      // request alike until the campaign is paused: no hurry for those.)
      this.d.pacer.refund();
    }
    return result;
  }

  /**
   * Every outbound message joins the customer's conversation, once (keyed by its wamid), as sent, beside
   * the wamid lookup the status webhooks find it by (`ref`, kept until `expiresAt`, epoch seconds): the
   * status webhooks move its delivery ticks on from there.
   */
  async record(sent: {
    contact: string;
    wamid: string;
    at: string;
    content: OutboundContent;
    source: NonNullable<ConversationMessage['source']>;
    about?: Pick<ConversationMessage, 'campaignId' | 'agent' | 'sources'>;
    ref: WamidRef;
    expiresAt: number;
  }): Promise<void> {
    const { content } = sent;
    const message: ConversationMessage = {
      contact: sent.contact,
      wamid: sent.wamid,
      direction: 'out',
      at: sent.at,
      type: content.kind,
      ...(content.kind === 'text' ? { text: content.body } : {}),
      ...(content.kind === 'media' && isStoredMedia(content.media)
        ? {
            media: sentMedia(content.media, content.caption),
            ...(content.caption ? { text: content.caption } : {}),
          }
        : {}),
      summary: describeContent(content),
      source: sent.source,
      ...sent.about,
      delivery: { status: 'sent', at: sent.at },
    };
    await this.d.sent.record(message, sent.ref, sent.expiresAt);
  }
}

export function toSendError(f: SendFailure): SendError {
  return { code: f.code, title: f.title, message: f.message, ...(f.details ? { details: f.details } : {}) };
}

export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
