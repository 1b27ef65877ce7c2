/** Sending through WhatsApp, and the counts operators watch. */
import type { OutboundMessage } from '../domain/outbound-message';
import type { SendFailure } from '../domain/whatsapp-errors';

export type SendResult =
  | { readonly ok: true; readonly wamid: string }
  | { readonly ok: false; readonly failure: SendFailure };

export interface WhatsAppSender {
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * Marks a customer's message read (blue ticks) and, with `typing`, shows the typing indicator until the
   * reply arrives (WhatsApp drops it after 25 s). Test doubles may leave it out.
   */
  markRead?(
    wamid: string,
    options: { typing: boolean },
  ): Promise<{ ok: true } | { ok: false; failure: SendFailure }>;
}

/** Counts that matter to operators: sends and failures by WhatsApp error code. */
export interface SendMetrics {
  sent(): void;
  failed(code: string): void;
  /** Publishes what was counted during one invocation. */
  flush(): void;
}

export const noMetrics: SendMetrics = { sent: () => {}, failed: () => {}, flush: () => {} };

/** What the webhook counts: changes it queued, and posts refused for a missing or wrong signature. */
export interface WebhookMetrics {
  received(changes: number): void;
  signatureFailure(): void;
  /** Writes what was counted (one record per request). */
  flush(): void;
}

export const noWebhookMetrics: WebhookMetrics = {
  received: () => {},
  signatureFailure: () => {},
  flush: () => {},
};
