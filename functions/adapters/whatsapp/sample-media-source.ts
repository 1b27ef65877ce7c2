/**
 * DEV mode: stands in for WhatsApp's media API with built-in samples, so an inbound image or document
 * (npm run simulate -- inbound --image) is kept and shown without credentials or a network. Whatever the
 * media id, an image is the sample PNG, a document the sample PDF, a sticker a WebP, audio a short silent
 * MP3; there is no sample video, which is said in words on the message.
 */
import { createHash } from 'node:crypto';
import type { InboundMedia, MediaKind } from '../../domain/media';
import type { DownloadedMedia, MediaLookup, MediaOutcome, WhatsAppMediaSource } from '../../ports';
import { sampleMp3, samplePdf, samplePng, sampleWebp } from './sample-media';

const SAMPLES: Partial<Record<MediaKind, { mimeType: string; bytes: () => Buffer }>> = {
  image: { mimeType: 'image/png', bytes: samplePng },
  document: { mimeType: 'application/pdf', bytes: samplePdf },
  sticker: { mimeType: 'image/webp', bytes: sampleWebp },
  audio: { mimeType: 'audio/mpeg', bytes: sampleMp3 },
};

const PREFIX = 'dev-sample:';

export class SampleMediaSource implements WhatsAppMediaSource {
  async lookup(media: InboundMedia): Promise<MediaOutcome<MediaLookup>> {
    const sample = SAMPLES[media.kind];
    if (!sample) {
      return {
        ok: false,
        problem: {
          reason: 'no_sample',
          message:
            `DEV mode has no sample ${media.kind} to stand in for WhatsApp's media ${media.whatsappId ?? ''}`.trim(),
        },
      };
    }
    const bytes = sample.bytes();
    return {
      ok: true,
      value: {
        url: `${PREFIX}${media.kind}`,
        mimeType: sample.mimeType,
        size: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
    };
  }

  async download(lookup: MediaLookup, maxBytes: number): Promise<MediaOutcome<DownloadedMedia>> {
    const sample = SAMPLES[lookup.url.slice(PREFIX.length) as MediaKind];
    if (!lookup.url.startsWith(PREFIX) || !sample) return { ok: false, problem: { reason: 'link_expired' } };
    const bytes = sample.bytes();
    if (bytes.byteLength > maxBytes) {
      return { ok: false, problem: { reason: 'too_large', size: bytes.byteLength, limit: maxBytes } };
    }
    return { ok: true, value: { bytes: new Uint8Array(bytes), contentType: sample.mimeType } };
  }
}
