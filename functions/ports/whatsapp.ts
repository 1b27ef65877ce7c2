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
   * reply arrives (WhatsApp drops it after 25 s).
   */
  markRead(
    wamid: string,
    options: { typing: boolean },
  ): Promise<{ ok: true } | { ok: false; failure: SendFailure }>;
}

/** What slows a campaign down on WhatsApp's side: 5xx answers, timeouts, the throughput limit (130429). */
export type GraphTroubleKind = 'server_error' | 'timeout' | 'throughput';

/** Counts that matter to operators: sends and failures by WhatsApp error code. */
export interface SendMetrics {
  sent(): void;
  failed(code: string): void;
  /** One Graph answer of that kind, with the campaign it was for. */
  trouble(kind: GraphTroubleKind, campaignId?: string): void;
  /** How long one Graph request took (answered or timed out): what the request timeout is chosen from. */
  latency(ms: number): void;
  /** Publishes what was counted during one invocation. */
  flush(): void;
}

export const noMetrics: SendMetrics = {
  sent: () => {},
  failed: () => {},
  trouble: () => {},
  latency: () => {},
  flush: () => {},
};

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

/**
 * The sending number's throughput slots, shared by every process that sends: slot n is at n / rate
 * seconds after the epoch, and each is taken once.
 */
export interface SendSlots {
  /** Takes `count` consecutive slots, none before slot `notBefore`; returns the first one taken. */
  take(count: number, notBefore: number): Promise<number>;
}
