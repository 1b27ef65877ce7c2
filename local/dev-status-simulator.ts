import type { OutboundMessage } from '../functions/domain/outbound-message';
import { signPayload } from '../functions/domain/webhook-signature';
import type { Logger } from '../functions/logger';
import type { SendResult, WhatsAppSender } from '../functions/ports';

/** Builds a status webhook the way Meta shapes one. */
export function statusWebhook(options: {
  wamid: string;
  status: 'sent' | 'delivered' | 'read';
  to: string;
  phoneNumberId: string;
  callbackData?: string;
  at?: Date;
}): Record<string, unknown> {
  const waId = options.to.replace(/^\+/, '');
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'DEV',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550000000', phone_number_id: options.phoneNumberId },
              statuses: [
                {
                  id: options.wamid,
                  status: options.status,
                  timestamp: String(Math.floor((options.at ?? new Date()).getTime() / 1000)),
                  recipient_id: waId,
                  ...(options.callbackData ? { biz_opaque_callback_data: options.callbackData } : {}),
                },
              ],
            },
          },
        ],
      },
    ],
  };
}

/**
 * DEV mode playing WhatsApp's part: after each send it posts `sent`, `delivered` and `read` webhooks for
 * that message to the local endpoint (signed when an app secret is set), a delay apart, so campaign
 * progress moves as in LIVE.
 */
export class SimulatingWhatsAppSender implements WhatsAppSender {
  private readonly timers = new Set<NodeJS.Timeout>();
  webhookUrl: string | undefined;

  constructor(
    private readonly inner: WhatsAppSender,
    private readonly options: { delayMs: number; appSecret?: string; logger: Logger },
  ) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    const result = await this.inner.send(message);
    if (result.ok && this.webhookUrl) {
      (['sent', 'delivered', 'read'] as const).forEach((status, i) => {
        const timer = setTimeout(
          () => {
            this.timers.delete(timer);
            void this.post(
              statusWebhook({
                wamid: result.wamid,
                status,
                to: message.to,
                phoneNumberId: 'DEV',
                ...(message.callbackData ? { callbackData: message.callbackData } : {}),
              }),
            );
          },
          this.options.delayMs * (i + 1),
        );
        this.timers.add(timer);
      });
    }
    return result;
  }

  markRead(wamid: string, options: { typing: boolean }) {
    return this.inner.markRead(wamid, options);
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async post(payload: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(payload);
    try {
      await fetch(this.webhookUrl!, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.appSecret
            ? { 'x-hub-signature-256': signPayload(body, this.options.appSecret) }
            : {}),
        },
        body,
      });
    } catch (error) {
      this.options.logger.debug('simulated status webhook not delivered', { error: String(error) });
    }
  }
}
