import { createHash } from 'node:crypto';
import { samplePng } from '../../functions/adapters/whatsapp/sample-media';
import { SampleMediaSource } from '../../functions/adapters/whatsapp/sample-media-source';
import {
  DEFAULT_MEDIA_MAX_BYTES,
  type InboundMedia,
  inboundMediaId,
  type MediaProblem,
  type StoredMediaInfo,
} from '../../functions/domain/media';
import type { Logger } from '../../functions/logger';
import type {
  DownloadedMedia,
  MediaLookup,
  MediaOutcome,
  MediaStore,
  WhatsAppMediaSource,
} from '../../functions/ports';
import {
  MEDIA_DOWNLOAD_RECEIVES,
  MediaRetryLater,
  makeInboundMedia,
} from '../../functions/services/inbound-media';

class MemoryMediaStore implements MediaStore {
  readonly objects = new Map<string, { info: StoredMediaInfo; bytes: Uint8Array }>();
  failPuts = 0;

  async put(info: StoredMediaInfo, bytes: Uint8Array) {
    if (this.failPuts > 0) {
      this.failPuts -= 1;
      throw new Error('S3 is down');
    }
    this.objects.set(info.id, { info, bytes });
  }
  async head(id: string) {
    return this.objects.get(id)?.info;
  }
  async open(id: string) {
    const o = this.objects.get(id);
    return o ? { info: o.info, body: new Blob([o.bytes]).stream() } : undefined;
  }
  async read(id: string) {
    return this.objects.get(id);
  }
  async link(info: StoredMediaInfo) {
    return `https://media.example/${info.id}`;
  }
}

/** A media source that answers what each test scripts, and counts its calls. */
class ScriptedSource implements WhatsAppMediaSource {
  lookups = 0;
  downloads = 0;
  constructor(
    private readonly script: {
      lookup?: (n: number) => MediaOutcome<MediaLookup>;
      download?: (n: number) => MediaOutcome<DownloadedMedia>;
    },
  ) {}
  async lookup(): Promise<MediaOutcome<MediaLookup>> {
    this.lookups += 1;
    return (
      this.script.lookup?.(this.lookups) ?? { ok: true, value: { url: 'https://x/1', mimeType: 'image/png' } }
    );
  }
  async download(): Promise<MediaOutcome<DownloadedMedia>> {
    this.downloads += 1;
    return (
      this.script.download?.(this.downloads) ?? {
        ok: true,
        value: { bytes: new Uint8Array(samplePng()), contentType: 'image/png' },
      }
    );
  }
}

const IMAGE: InboundMedia = {
  kind: 'image',
  whatsappId: '65463453',
  mimeType: 'image/jpeg',
  caption: 'Broken?',
};
const logger = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;
const fail = (problem: MediaProblem) => ({ ok: false as const, problem });

function keeper(source: WhatsAppMediaSource, store = new MemoryMediaStore()) {
  return { store, keep: makeInboundMedia({ source, store, logger, maxBytes: DEFAULT_MEDIA_MAX_BYTES }).keep };
}

describe("keeping a customer's media", () => {
  it('downloads it into the store under a stable id, with its type, size and caption', async () => {
    const { store, keep } = keeper(new SampleMediaSource());
    const kept = await keep(IMAGE, 1);
    const id = inboundMediaId('65463453');
    expect(kept).toEqual({
      media: {
        id,
        kind: 'image',
        mimeType: 'image/png',
        size: samplePng().length,
        caption: 'Broken?',
        url: `/api/media/${id}`,
      },
    });
    expect(Buffer.from(store.objects.get(id)!.bytes).equals(samplePng())).toBe(true);
  });

  it('does not download again what a redelivered webhook already kept', async () => {
    const source = new ScriptedSource({});
    const { keep } = keeper(source);
    const first = await keep(IMAGE, 1);
    const again = await keep(IMAGE, 1);
    expect(again).toEqual(first);
    expect(source.downloads).toBe(1);
  });

  it('refuses at once, without downloading, what is too large or of a type not kept', async () => {
    const big = new ScriptedSource({
      lookup: () => ({
        ok: true,
        value: { url: 'https://x', mimeType: 'image/jpeg', size: 7.2 * 1024 * 1024 },
      }),
    });
    expect(await keeper(big).keep(IMAGE, 1)).toEqual({
      mediaError: 'the image is 7.2 MB; the limit is 5 MB',
    });
    expect(big.downloads).toBe(0);
    const gif = new ScriptedSource({
      lookup: () => ({ ok: true, value: { url: 'https://x', mimeType: 'image/gif' } }),
    });
    expect((await keeper(gif).keep(IMAGE, 1)).mediaError).toMatch(/type image\/gif, which is not kept/);
    expect(gif.downloads).toBe(0);
  });

  it('refuses a download whose type contradicts the announced one, or whose checksum is wrong', async () => {
    const html = new ScriptedSource({
      download: () => ({ ok: true, value: { bytes: new Uint8Array([60, 104]), contentType: 'text/html' } }),
    });
    expect((await keeper(html).keep(IMAGE, 1)).mediaError).toBe(
      'the download was text/html, not the image/png WhatsApp announced; it was not kept',
    );
    const wrongSum = new ScriptedSource({
      lookup: () => ({
        ok: true,
        value: {
          url: 'https://x',
          mimeType: 'image/png',
          sha256: createHash('sha256').update('x').digest('hex'),
        },
      }),
    });
    // A checksum mismatch may be a cut-off transfer: retried first, then kept in words.
    await expect(keeper(wrongSum).keep(IMAGE, 1)).rejects.toBeInstanceOf(MediaRetryLater);
    expect((await keeper(wrongSum).keep(IMAGE, MEDIA_DOWNLOAD_RECEIVES)).mediaError).toBe(
      'the downloaded image did not match its SHA-256 checksum (gave up after 5 attempts)',
    );
  });

  it('retries a transient failure through the queue, a bounded number of times, then keeps the reason', async () => {
    const down = new ScriptedSource({
      lookup: () =>
        fail({ reason: 'graph_error', httpStatus: 503, message: 'no error details', transient: true }),
    });
    const { keep } = keeper(down);
    for (let attempt = 1; attempt < MEDIA_DOWNLOAD_RECEIVES; attempt++) {
      await expect(keep(IMAGE, attempt)).rejects.toBeInstanceOf(MediaRetryLater);
    }
    expect(await keep(IMAGE, MEDIA_DOWNLOAD_RECEIVES)).toEqual({
      mediaError:
        'the Graph API could not serve the image (HTTP 503): no error details (gave up after 5 attempts)',
    });
    // The queue gives up after maxReceiveCount receives; the message must be stored before that.
    expect(MEDIA_DOWNLOAD_RECEIVES).toBeLessThan(8);
  });

  it('treats a store outage as transient too', async () => {
    const store = new MemoryMediaStore();
    store.failPuts = 1;
    const { keep } = keeper(new SampleMediaSource(), store);
    await expect(keep(IMAGE, 1)).rejects.toBeInstanceOf(MediaRetryLater);
    expect((await keep(IMAGE, 2)).media?.kind).toBe('image');
  });

  it('asks once more at once for a link that expired on the way, then says so', async () => {
    const onceExpired = new ScriptedSource({
      download: (n) =>
        n === 1
          ? fail({ reason: 'link_expired' })
          : { ok: true, value: { bytes: new Uint8Array(samplePng()), contentType: 'image/png' } },
    });
    expect((await keeper(onceExpired).keep(IMAGE, 1)).media).toBeDefined();
    expect(onceExpired.lookups).toBe(2);
    const alwaysExpired = new ScriptedSource({ download: () => fail({ reason: 'link_expired' }) });
    expect(await keeper(alwaysExpired).keep(IMAGE, 1)).toEqual({
      mediaError: 'the download link for the image expired before it could be fetched',
    });
    expect(alwaysExpired.lookups).toBe(2);
  });

  it('says when a message names no media id, and when DEV mode has no sample', async () => {
    const { keep } = keeper(new SampleMediaSource());
    expect(await keep({ kind: 'image' }, 1)).toEqual({
      mediaError: 'WhatsApp sent an image without a media id, so it cannot be fetched',
    });
    expect((await keep({ kind: 'video', whatsappId: '1' }, 1)).mediaError).toMatch(
      /DEV mode has no sample video/,
    );
  });
});
