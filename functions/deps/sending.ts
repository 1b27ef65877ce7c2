/** What sends WhatsApp messages: the sender (Graph API in LIVE mode, the console in DEV), pacing, metrics. */
import { PowertoolsSendMetrics } from '../adapters/metrics/powertools-metrics';
import { ConsoleWhatsAppSender } from '../adapters/whatsapp/console-sender';
import { GraphWhatsAppSender } from '../adapters/whatsapp/graph-sender';
import type { Config } from '../config';
import { noMetrics, type SendMetrics, type WhatsAppSender } from '../ports';
import { sendConcurrency } from '../resources';
import { Pacer } from '../services/pacer';
import type { CoreDeps } from './core';

export interface SendingDeps {
  readonly whatsapp: WhatsAppSender;
  readonly pacer: Pacer;
  readonly metrics: SendMetrics;
}

export interface SendingOptions {
  readonly whatsapp?: WhatsAppSender;
  /**
   * The send pacer. By default each process paces itself at rate / sendConcurrency, as one of that many
   * Lambda workers; the local runtime runs every worker in one process and shares one pacer at the full rate.
   */
  readonly pacer?: Pacer;
  /** Where the DEV console sender prints; stdout by default. */
  readonly print?: (line: string) => void;
}

export function buildSending(core: CoreDeps, options: SendingOptions = {}): SendingDeps {
  const rate = core.config.send.ratePerSecond;
  return {
    whatsapp: options.whatsapp ?? buildWhatsAppSender(core.config, options.print),
    pacer: options.pacer ?? Pacer.forRate(rate, sendConcurrency(rate)),
    // Metrics go to CloudWatch in Lambda; locally the same counts are in the log lines.
    metrics: process.env.AWS_LAMBDA_FUNCTION_NAME ? new PowertoolsSendMetrics() : noMetrics,
  };
}

export function buildWhatsAppSender(config: Config, print?: (line: string) => void): WhatsAppSender {
  const w = config.whatsapp;
  if (config.mode === 'LIVE' && w.accessToken && w.phoneNumberId) {
    return new GraphWhatsAppSender({
      baseUrl: w.apiBaseUrl,
      apiVersion: w.apiVersion,
      phoneNumberId: w.phoneNumberId,
      accessToken: w.accessToken,
      timeoutMs: w.requestTimeoutMs,
    });
  }
  return new ConsoleWhatsAppSender(print);
}
