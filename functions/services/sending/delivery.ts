/** One Graph call through the pacer, counted; and every outbound message joining its conversation. */
import type { SendError } from '../../domain/campaign';
import type { ConversationMessage } from '../../domain/conversation';
import { describeContent, type OutboundContent } from '../../domain/outbound-message';
import type { SendFailure } from '../../domain/whatsapp-errors';
import type { ConversationStore, SendMetrics, SendResult, WhatsAppSender } from '../../ports';
import type { Pacer } from '../pacer';

/** Wamid lookups outlive WhatsApp's 30-day message lifetime. */
export const WAMID_REF_TTL_SECONDS = 35 * 24 * 3600;

export interface DeliveryDeps {
  readonly whatsapp: WhatsAppSender;
  readonly pacer: Pacer;
  readonly metrics: SendMetrics;
  readonly conversations: Pick<ConversationStore, 'append'>;
}

export class Delivery {
  constructor(private readonly d: DeliveryDeps) {}

  async send(to: string, content: OutboundContent, callbackData: string): Promise<SendResult> {
    await this.d.pacer.acquire();
    return this.call(to, content, callbackData);
  }

  /**
   * Waits for the pacer, then sends unless `stillWanted` (asked after the wait, right before the call)
   * says no: then nothing is sent and the answer is undefined.
   */
  async sendIf(
    stillWanted: () => Promise<boolean>,
    to: string,
    content: OutboundContent,
    callbackData: string,
  ): Promise<SendResult | undefined> {
    await this.d.pacer.acquire();
    if (!(await stillWanted())) return undefined;
    return this.call(to, content, callbackData);
  }

  private async call(to: string, content: OutboundContent, callbackData: string): Promise<SendResult> {
    const result = await this.d.whatsapp.send({ to, content, callbackData });
    if (result.ok) this.d.metrics.sent();
    else this.d.metrics.failed(String(result.failure.code ?? result.failure.httpStatus ?? 'network'));
    if (!result.ok && result.failure.code === 130429) {
      // Throughput limit hit: hold this worker back a second so its peers' share is not exceeded again.
      this.d.pacer.pause(1000);
    }
    return result;
  }

  /**
   * Every outbound message joins the customer's conversation, once (keyed by its wamid), as sent: the
   * status webhooks move its delivery ticks on from there.
   */
  async record(
    contact: string,
    wamid: string,
    at: string,
    content: OutboundContent,
    source: NonNullable<ConversationMessage['source']>,
    about: Pick<ConversationMessage, 'campaignId' | 'agent' | 'sources'> = {},
  ): Promise<void> {
    await this.d.conversations.append({
      contact,
      wamid,
      direction: 'out',
      at,
      type: content.kind,
      ...(content.kind === 'text' ? { text: content.body } : {}),
      summary: describeContent(content),
      source,
      ...about,
      delivery: { status: 'sent', at },
    });
  }
}

export function toSendError(f: SendFailure): SendError {
  return { code: f.code, title: f.title, message: f.message, ...(f.details ? { details: f.details } : {}) };
}

export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
