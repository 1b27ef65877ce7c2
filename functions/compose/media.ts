/**
 * Media: the private bucket (checked against the function's grants), where customers' media comes from
 * (the Graph API in LIVE mode, built-in samples in DEV), and the keeper the events function downloads
 * with. The S3 client and adapter are loaded on first use, as for parked changes: most invocations of the
 * api and the send worker never touch media.
 */
import { GraphMediaSource } from '../adapters/whatsapp/graph-media-source';
import { SampleMediaSource } from '../adapters/whatsapp/sample-media-source';
import type { Config } from '../config';
import type { MediaStore, WhatsAppMediaSource } from '../ports';
import type { BucketAccess } from '../resources';
import { type InboundMediaKeeper, makeInboundMedia } from '../services/inbound-media';
import { onFirstUse } from './buckets';
import type { Context } from './context';

export const mediaStore = (c: Context, ...uses: BucketAccess[]): MediaStore => {
  const store = onFirstUse(
    c,
    'media',
    uses,
    async (s3, bucket) => new (await import('../adapters/s3/media-store')).S3MediaStore(s3, bucket),
  );
  return {
    put: async (info, bytes) => (await store()).put(info, bytes),
    head: async (id) => (await store()).head(id),
    open: async (id) => (await store()).open(id),
    read: async (id) => (await store()).read(id),
    link: async (info, disposition, seconds) => (await store()).link(info, disposition, seconds),
  };
};

/** The same choice as the sender's (compose/sending.ts): LIVE needs the access token. */
export function whatsAppMediaSource(config: Config): WhatsAppMediaSource {
  const w = config.whatsapp;
  if (config.mode === 'LIVE' && w.accessToken) {
    return new GraphMediaSource({
      baseUrl: w.apiBaseUrl,
      apiVersion: w.apiVersion,
      accessToken: w.accessToken,
      timeoutMs: w.requestTimeoutMs,
    });
  }
  return new SampleMediaSource();
}

export const inboundMedia = (c: Context): InboundMediaKeeper =>
  makeInboundMedia({
    source: whatsAppMediaSource(c.config),
    store: mediaStore(c, 'put', 'get'),
    logger: c.logger,
    maxBytes: c.config.media.maxBytes,
  });
