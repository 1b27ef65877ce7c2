/** What sends WhatsApp messages: the Graph API in LIVE mode, the console in DEV; pacing; send metrics. */
import { PowertoolsSendMetrics } from '../adapters/metrics/powertools-metrics';
import { ConsoleWhatsAppSender } from '../adapters/whatsapp/console-sender';
import { GraphWhatsAppSender } from '../adapters/whatsapp/graph-sender';
import type { Config } from '../config';
import { noMetrics, type SendMetrics, type WhatsAppSender } from '../ports';
import { sendConcurrency } from '../resources';
import { Pacer } from '../services/pacer';

export function whatsAppSender(config: Config, print?: (line: string) => void): WhatsAppSender {
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

/** Each Lambda worker paces itself at rate / the number of workers, so together they keep the limit. */
export const workerPacer = (config: Config) =>
  Pacer.forRate(config.send.ratePerSecond, sendConcurrency(config.send.ratePerSecond));

/** In Lambda the counts go to CloudWatch as EMF; locally the log lines carry the same. */
export const sendMetrics = (): SendMetrics =>
  process.env.AWS_LAMBDA_FUNCTION_NAME ? new PowertoolsSendMetrics() : noMetrics;
