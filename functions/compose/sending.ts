/** What sends WhatsApp messages: the Graph API in LIVE mode, the console in DEV; pacing; send metrics. */
import { PowertoolsSendMetrics } from '../adapters/metrics/powertools-metrics';
import { ConsoleWhatsAppSender } from '../adapters/whatsapp/console-sender';
import { uploadMedia, withUploadedMedia } from '../adapters/whatsapp/graph-media-upload';
import { GraphWhatsAppSender } from '../adapters/whatsapp/graph-sender';
import type { Config } from '../config';
import { type MediaStore, noMetrics, type SendMetrics, type WhatsAppSender } from '../ports';
import type { SendPacer } from '../services/pacer';
import { SharedSlotPacer } from '../services/shared-slot-pacer';
import type { Context } from './context';
import { sendSlots } from './stores';

/**
 * `media` reads agents' uploads, which the Graph sender uploads to WhatsApp before the message; without it
 * a message with stored media fails in words (the DEV console sender only prints it).
 */
export function whatsAppSender(
  config: Config,
  print?: (line: string) => void,
  media?: Pick<MediaStore, 'read'>,
): WhatsAppSender {
  const w = config.whatsapp;
  if (config.mode === 'LIVE' && w.accessToken && w.phoneNumberId) {
    const graph = {
      baseUrl: w.apiBaseUrl,
      apiVersion: w.apiVersion,
      phoneNumberId: w.phoneNumberId,
      accessToken: w.accessToken,
      timeoutMs: w.requestTimeoutMs,
    };
    return new GraphWhatsAppSender({
      ...graph,
      prepare: (message) =>
        withUploadedMedia(message, { store: media, upload: (file) => uploadMedia(graph, file) }),
    });
  }
  return new ConsoleWhatsAppSender(print);
}

/**
 * In Lambda every container takes its slots from one counter in DynamoDB, so all of them together keep
 * the limit however many run and however many of them wait on a slow request.
 */
export const workerPacer = (c: Context): SendPacer =>
  new SharedSlotPacer(sendSlots(c), c.config.send.ratePerSecond);

/** In Lambda the counts go to CloudWatch as EMF; locally the log lines carry the same. */
export const sendMetrics = (): SendMetrics =>
  process.env.AWS_LAMBDA_FUNCTION_NAME ? new PowertoolsSendMetrics() : noMetrics;
