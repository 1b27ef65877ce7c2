/**
 * A customer's image, document, audio, video or sticker, kept when the message arrives: WhatsApp's link
 * expires within minutes, so the events consumer downloads it at once (checked against the kind's limit,
 * its type and its checksum) into the private media bucket. What cannot be kept is said in words on the
 * message instead; the message itself is always stored.
 */
import { createHash } from 'node:crypto';
import {
  type ConversationMedia,
  checkAnnounced,
  checkDownloaded,
  checksumMatches,
  conversationMedia,
  describeGivingUp,
  describeMediaProblem,
  type InboundMedia,
  inboundMediaId,
  isTransient,
  limitFor,
  type MediaProblem,
  mimeEssence,
  type StoredMediaInfo,
} from '../domain/media';
import type { Logger } from '../logger';
import type { DownloadedMedia, MediaLookup, MediaOutcome, MediaStore, WhatsAppMediaSource } from '../ports';

/**
 * A transient failure (a 5xx, a timeout, a network error) is retried by letting the events queue deliver
 * the change again, after 2, 4, 8 and 16 seconds (events.ts redeliveryDelaySeconds): about half a minute
 * in all. On its fifth receive the message is stored with the reason instead, well before the queue's
 * maxReceiveCount (8) would move the change to the dead-letter queue and lose the message.
 */
export const MEDIA_DOWNLOAD_RECEIVES = 5;

/** The change must come back: a transient failure on a receive before the last. */
export class MediaRetryLater extends Error {
  override readonly name = 'MediaRetryLater';
}

/** What a conversation message carries about its media: the stored copy, or why there is none. */
export type KeptMedia =
  | { readonly media: ConversationMedia; readonly mediaError?: undefined }
  | { readonly media?: undefined; readonly mediaError: string };

export interface InboundMediaDeps {
  readonly source: WhatsAppMediaSource;
  readonly store: MediaStore;
  readonly logger: Logger;
  /** MEDIA_MAX_BYTES: the platform's cap on one item, under WhatsApp's own per-kind limits. */
  readonly maxBytes: number;
}

export interface InboundMediaKeeper {
  /** `attempt` is the change's receive count (1 on the first delivery). Throws MediaRetryLater to retry. */
  keep(media: InboundMedia, attempt: number): Promise<KeptMedia>;
}

export function makeInboundMedia(d: InboundMediaDeps): InboundMediaKeeper {
  return {
    async keep(media, attempt) {
      if (!media.whatsappId) return refused(media, { reason: 'no_media_id' });
      const id = inboundMediaId(media.whatsappId);
      // A webhook Meta delivered twice, or a change retried for another message in it: kept already.
      const stored = await d.store.head(id).catch(() => undefined);
      if (stored) return { media: conversationMedia(stored, media.caption) };

      const outcome = await fetchAndStore(id, media);
      if (outcome.ok) return { media: conversationMedia(outcome.info, media.caption) };
      const problem = outcome.problem;
      if (!isTransient(problem)) return refused(media, problem);
      if (attempt < MEDIA_DOWNLOAD_RECEIVES) {
        d.logger.warn('media download failed; the change will be retried', {
          kind: media.kind,
          attempt,
          reason: problem.reason,
          problem: describeMediaProblem(media.kind, problem),
        });
        throw new MediaRetryLater(describeMediaProblem(media.kind, problem));
      }
      const mediaError = describeGivingUp(media.kind, problem, attempt);
      d.logger.error('media not kept after every attempt; the message is stored without it', {
        kind: media.kind,
        reason: problem.reason,
        mediaError,
        metric: 'media_not_kept',
      });
      return { mediaError };
    },
  };

  function refused(media: InboundMedia, problem: MediaProblem): KeptMedia {
    const mediaError = describeMediaProblem(media.kind, problem);
    d.logger.warn('media not kept; the message is stored without it', {
      kind: media.kind,
      reason: problem.reason,
      mediaError,
      metric: 'media_not_kept',
    });
    return { mediaError };
  }

  async function fetchAndStore(
    id: string,
    media: InboundMedia,
  ): Promise<{ ok: true; info: StoredMediaInfo } | { ok: false; problem: MediaProblem }> {
    // A link that expired on the way (a slow queue, a long retry) is asked for once more at once: every
    // lookup answers a fresh one.
    let lookup: MediaLookup | undefined;
    let downloaded: MediaOutcome<DownloadedMedia> | undefined;
    for (let link = 1; link <= 2; link++) {
      const looked = await d.source.lookup(media);
      if (!looked.ok) return looked;
      lookup = looked.value;
      const problem = checkAnnounced(media.kind, announcedOf(lookup, media), d.maxBytes);
      if (problem) return { ok: false, problem };
      downloaded = await d.source.download(lookup, limitFor(media.kind, d.maxBytes));
      if (downloaded.ok || downloaded.problem.reason !== 'link_expired') break;
    }
    if (!lookup || !downloaded) throw new Error('unreachable: the loop runs at least once');
    if (!downloaded.ok) return downloaded;
    const announcedType = announcedOf(lookup, media).mimeType;
    const { bytes, contentType } = downloaded.value;
    const late = checkDownloaded(
      media.kind,
      announcedType,
      { ...(contentType ? { contentType } : {}), size: bytes.byteLength },
      d.maxBytes,
    );
    if (late) return { ok: false, problem: late };
    const digest = createHash('sha256').update(bytes).digest();
    for (const expected of [lookup.sha256, media.sha256]) {
      if (expected && checksumMatches(expected, digest) === false) {
        return { ok: false, problem: { reason: 'checksum_mismatch' } };
      }
    }

    const info: StoredMediaInfo = {
      id,
      kind: media.kind,
      mimeType: announcedType,
      size: bytes.byteLength,
      ...(media.filename ? { filename: media.filename } : {}),
    };
    try {
      await d.store.put(info, bytes);
    } catch (error) {
      return { ok: false, problem: { reason: 'store_failed', message: String(error) } };
    }
    d.logger.info('media kept', { kind: media.kind, mimeType: info.mimeType, size: info.size, id });
    return { ok: true, info };
  }
}

/** Graph's answer is the authority on the file; the webhook's type is the fallback. */
function announcedOf(lookup: MediaLookup, media: InboundMedia): { mimeType: string; size?: number } {
  return {
    mimeType: mimeEssence(lookup.mimeType ?? media.mimeType),
    ...(lookup.size !== undefined ? { size: lookup.size } : {}),
  };
}
