/**
 * Media in conversations: what a customer's image, document, audio, video or sticker may be to be kept
 * (WhatsApp's own size limits and types, under the platform's cap), what an agent may upload to send,
 * and every reason media could not be kept, in words an agent reads in the inbox.
 */
import { createHash } from 'node:crypto';
import {
  MEDIA_KINDS,
  MEDIA_TYPES,
  type MediaKind,
  OUTBOUND_MEDIA_KINDS,
  type OutboundMediaKind,
} from './media-types';

export * from './media-types';

const KB = 1024;
const MB = 1024 * KB;

/**
 * WhatsApp's own limits per kind (Cloud API "supported media types"). Animated stickers may be 500 KB and
 * static ones 100 KB; both are held to 500 KB here, which is what WhatsApp itself accepts for any sticker.
 */
export const WHATSAPP_MEDIA_LIMITS: Readonly<Record<MediaKind, number>> = {
  image: 5 * MB,
  audio: 16 * MB,
  video: 16 * MB,
  sticker: 500 * KB,
  document: 100 * MB,
};

/**
 * The platform's own cap on one item (MEDIA_MAX_BYTES): a function holds the whole file in memory while
 * it checks and stores it, so a 100 MB document is refused unless the cap is raised.
 */
export const DEFAULT_MEDIA_MAX_BYTES = 16 * MB;

/** Every type the platform may serve back, each once. */
export const ALL_MEDIA_TYPES: readonly string[] = [...new Set(Object.values(MEDIA_TYPES).flat())];

/** "audio/ogg; codecs=opus" → "audio/ogg": parameters do not change what the file is. */
export function mimeEssence(type: string | undefined): string {
  return (type ?? '').split(';')[0]!.trim().toLowerCase();
}

export function isAllowedType(kind: MediaKind, mimeType: string): boolean {
  return MEDIA_TYPES[kind].includes(mimeEssence(mimeType));
}

/** The kind an upload of this type is sent as; undefined when WhatsApp sends no such type. */
export function uploadKindOf(mimeType: string): OutboundMediaKind | undefined {
  const type = mimeEssence(mimeType);
  return OUTBOUND_MEDIA_KINDS.find((kind) => MEDIA_TYPES[kind].includes(type));
}

/** The most one item of a kind may be: WhatsApp's limit, or the platform's cap when that is lower. */
export function limitFor(kind: MediaKind, platformMaxBytes: number): number {
  return Math.min(WHATSAPP_MEDIA_LIMITS[kind], platformMaxBytes);
}

/** "480 KB", "5 MB", "7.2 MB": sizes as people say them (binary units, as WhatsApp counts). */
export function formatBytes(bytes: number): string {
  if (bytes < MB) return `${Math.max(1, Math.round(bytes / KB))} KB`;
  const mb = bytes / MB;
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

const article = (kind: MediaKind) => (kind === 'image' || kind === 'audio' ? 'an' : 'a');
const named = (kind: MediaKind) => (kind === 'audio' ? 'audio message' : kind);

// ---- Ids ---------------------------------------------------------------------------------------------

/**
 * Media ids the platform hands out: `in_` + 32 hex digits for a customer's media (derived from WhatsApp's
 * media id, so a redelivered webhook finds what the first delivery stored), `up_` + a ULID for an upload.
 */
export const MEDIA_ID_PATTERN = /^(in_[0-9a-f]{32}|up_[0-9A-HJKMNP-TV-Z]{26})$/;

export function isMediaId(id: string): boolean {
  return MEDIA_ID_PATTERN.test(id);
}

export function inboundMediaId(whatsappMediaId: string): string {
  return `in_${createHash('sha256').update(`whatsapp-media:${whatsappMediaId}`).digest('hex').slice(0, 32)}`;
}

/** Where signed-in users fetch the bytes: the API path the inbox and API clients use. */
export function mediaPath(id: string): string {
  return `/api/media/${id}`;
}

// ---- What a conversation message carries -------------------------------------------------------------

/** Media kept with a conversation message: the stored copy and how to show it. */
export interface ConversationMedia {
  /** The platform's media id (GET /api/media/{id}). */
  readonly id: string;
  readonly kind: MediaKind;
  readonly mimeType: string;
  /** Bytes; known for every download and upload (an outbound message names it when its sender did). */
  readonly size?: number;
  readonly filename?: string;
  readonly caption?: string;
  /** mediaPath(id), stored so API clients need not build it. */
  readonly url: string;
}

/** What a stored object says about itself. */
export interface StoredMediaInfo {
  readonly id: string;
  readonly kind: MediaKind;
  readonly mimeType: string;
  readonly size: number;
  readonly filename?: string;
}

export function conversationMedia(info: StoredMediaInfo, caption?: string): ConversationMedia {
  return {
    id: info.id,
    kind: info.kind,
    mimeType: info.mimeType,
    size: info.size,
    ...(info.filename ? { filename: info.filename } : {}),
    ...(caption ? { caption } : {}),
    url: mediaPath(info.id),
  };
}

/** An upload as the conversation shows it once sent (the outbound message's stored media reference). */
export function sentMedia(
  ref: {
    readonly type: OutboundMediaKind;
    readonly storedId: string;
    readonly mimeType: string;
    readonly filename?: string;
    readonly size?: number;
  },
  caption?: string,
): ConversationMedia {
  return {
    id: ref.storedId,
    kind: ref.type,
    mimeType: ref.mimeType,
    ...(ref.size !== undefined ? { size: ref.size } : {}),
    ...(ref.filename ? { filename: ref.filename } : {}),
    ...(caption ? { caption } : {}),
    url: mediaPath(ref.storedId),
  };
}

// ---- A customer's media, as the webhook announces it -------------------------------------------------

/** One inbound media item as WhatsApp's webhook names it (the bytes are fetched by its id). */
export interface InboundMedia {
  readonly kind: MediaKind;
  /** WhatsApp's media id; absent only in a malformed message. */
  readonly whatsappId?: string;
  readonly mimeType?: string;
  readonly sha256?: string;
  readonly filename?: string;
  readonly caption?: string;
  readonly voice?: boolean;
  readonly animated?: boolean;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The media of a raw webhook message (`messages[]` item), or undefined for a type without media. */
export function readInboundMedia(message: Readonly<Record<string, unknown>>): InboundMedia | undefined {
  const kind = MEDIA_KINDS.find((k) => k === message.type);
  if (!kind) return undefined;
  const part = message[kind];
  const p = typeof part === 'object' && part !== null ? (part as Record<string, unknown>) : {};
  const id = text(p.id) ?? (typeof p.id === 'number' ? String(p.id) : undefined);
  return {
    kind,
    ...(id ? { whatsappId: id } : {}),
    ...(text(p.mime_type) ? { mimeType: text(p.mime_type) } : {}),
    ...(text(p.sha256) ? { sha256: text(p.sha256) } : {}),
    ...(kind === 'document' && text(p.filename) ? { filename: safeFilename(text(p.filename)!) } : {}),
    ...(text(p.caption) ? { caption: text(p.caption) } : {}),
    ...(p.voice === true ? { voice: true } : {}),
    ...(p.animated === true ? { animated: true } : {}),
  };
}

/**
 * A file name that is safe to keep and to send back in a header: no path, no control characters, no
 * quotes, at most 200 characters; undefined when nothing is left.
 */
export function safeFilename(name: string): string | undefined {
  const base = name.split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return cleaned && cleaned !== '.' && cleaned !== '..' ? cleaned.slice(0, 200) : undefined;
}

// ---- Why media could not be kept ---------------------------------------------------------------------

export type MediaProblem =
  | { readonly reason: 'no_media_id' }
  /** `atLeast`: the download was stopped at the limit, so the real size is larger than `size`. */
  | {
      readonly reason: 'too_large';
      readonly size: number;
      readonly limit: number;
      readonly atLeast?: boolean;
    }
  | { readonly reason: 'type_not_allowed'; readonly mimeType: string }
  | { readonly reason: 'type_mismatch'; readonly announced: string; readonly received: string }
  | { readonly reason: 'checksum_mismatch' }
  | { readonly reason: 'link_expired' }
  | {
      readonly reason: 'graph_error';
      readonly httpStatus?: number;
      readonly code?: number | null;
      readonly message: string;
      /** A 5xx, a rate limit or one of Meta's temporary codes: asking again later may work. */
      readonly transient: boolean;
    }
  /** A network error or timeout on the way to WhatsApp: always worth another try. */
  | { readonly reason: 'unreachable'; readonly message: string }
  /** Our own store could not take the file (an S3 outage). */
  | { readonly reason: 'store_failed'; readonly message: string }
  /** DEV mode has no sample of this kind. */
  | { readonly reason: 'no_sample'; readonly message: string };

/** True when the same download may work on a later try; everything else is final at once. */
export function isTransient(problem: MediaProblem): boolean {
  switch (problem.reason) {
    case 'unreachable':
    case 'store_failed':
    // A truncated transfer fails its checksum; a fresh download usually passes.
    case 'checksum_mismatch':
      return true;
    case 'graph_error':
      return problem.transient;
    default:
      return false;
  }
}

/** The problem in one sentence, as the conversation shows it instead of the media. */
export function describeMediaProblem(kind: MediaKind, problem: MediaProblem): string {
  const what = `the ${named(kind)}`;
  switch (problem.reason) {
    case 'no_media_id':
      return `WhatsApp sent ${article(kind)} ${named(kind)} without a media id, so it cannot be fetched`;
    case 'too_large':
      return problem.atLeast
        ? `${what} is over ${formatBytes(problem.limit)}; the limit is ${formatBytes(problem.limit)}`
        : `${what} is ${formatBytes(problem.size)}; the limit is ${formatBytes(problem.limit)}`;
    case 'type_not_allowed':
      return `${what} has the type ${problem.mimeType || '(none)'}, which is not kept for ${article(kind)} ${named(kind)} (allowed: ${MEDIA_TYPES[kind].join(', ')})`;
    case 'type_mismatch':
      return `the download was ${problem.received}, not the ${problem.announced} WhatsApp announced; it was not kept`;
    case 'checksum_mismatch':
      return `the downloaded ${named(kind)} did not match its SHA-256 checksum`;
    case 'link_expired':
      return `the download link for ${what} expired before it could be fetched`;
    case 'graph_error': {
      const status = problem.httpStatus !== undefined ? `HTTP ${problem.httpStatus}` : undefined;
      const code = problem.code != null ? `error ${problem.code}` : undefined;
      const head = [status, code].filter(Boolean).join(', ');
      const verb = problem.transient ? 'could not serve' : 'refused';
      return `the Graph API ${verb} ${what}${head ? ` (${head})` : ''}: ${problem.message}`;
    }
    case 'unreachable':
      return `${what} could not be downloaded: ${problem.message}`;
    case 'store_failed':
      return `${what} could not be stored: ${problem.message}`;
    case 'no_sample':
      return problem.message;
  }
}

/** The words kept when a transient problem lasted through every attempt. */
export function describeGivingUp(kind: MediaKind, problem: MediaProblem, attempts: number): string {
  return `${describeMediaProblem(kind, problem)} (gave up after ${attempts} attempts)`;
}

/** What WhatsApp announced, checked before any byte is downloaded. */
export function checkAnnounced(
  kind: MediaKind,
  announced: { readonly mimeType: string; readonly size?: number },
  platformMaxBytes: number,
): MediaProblem | undefined {
  if (!isAllowedType(kind, announced.mimeType)) {
    return { reason: 'type_not_allowed', mimeType: mimeEssence(announced.mimeType) };
  }
  const limit = limitFor(kind, platformMaxBytes);
  if (announced.size !== undefined && announced.size > limit) {
    return { reason: 'too_large', size: announced.size, limit };
  }
  return undefined;
}

/**
 * What the download brought, against what was announced. A download that names no type, or only
 * application/octet-stream, contradicts nothing; one that names another type is refused, since the file
 * would be served to agents under a type it is not.
 */
export function checkDownloaded(
  kind: MediaKind,
  announcedType: string,
  received: { readonly contentType?: string; readonly size: number },
  platformMaxBytes: number,
): MediaProblem | undefined {
  const type = mimeEssence(received.contentType);
  if (type && type !== 'application/octet-stream' && type !== mimeEssence(announcedType)) {
    return { reason: 'type_mismatch', announced: mimeEssence(announcedType), received: type };
  }
  const limit = limitFor(kind, platformMaxBytes);
  if (received.size > limit) return { reason: 'too_large', size: received.size, limit };
  return undefined;
}

/**
 * Whether a SHA-256 digest matches the one WhatsApp gave: Meta writes it as hex in some places and base64
 * in others, so both are read. Undefined when `expected` is neither (then it cannot be checked).
 */
export function checksumMatches(expected: string, digest: Uint8Array): boolean | undefined {
  const value = expected.trim();
  const hex = Buffer.from(digest).toString('hex');
  if (/^[0-9a-fA-F]{64}$/.test(value)) return value.toLowerCase() === hex;
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const decoded = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return decoded.length === 32 ? decoded.toString('hex') === hex : undefined;
  }
  return undefined;
}

// ---- Media an agent sends ----------------------------------------------------------------------------

/** Media attached to a single message: an upload (POST /api/media) by its id. */
export interface OutgoingMedia {
  readonly id: string;
  readonly kind: OutboundMediaKind;
  readonly mimeType: string;
  readonly filename?: string;
  readonly caption?: string;
  /** Bytes, when the sender knows them (the upload answered them); shown in the conversation. */
  readonly size?: number;
}

/** WhatsApp's limit on a media caption. */
export const MAX_CAPTION_LENGTH = 1024;

/** Why this media cannot be sent, in words; undefined when it can. */
export function outgoingMediaProblem(media: OutgoingMedia): string | undefined {
  if (!isMediaId(media.id) || !media.id.startsWith('up_')) {
    return `media.id ${JSON.stringify(media.id)} is not an uploaded media id (POST /api/media answers one)`;
  }
  if (!OUTBOUND_MEDIA_KINDS.includes(media.kind)) {
    return `media.kind must be one of ${OUTBOUND_MEDIA_KINDS.join(', ')}`;
  }
  if (uploadKindOf(media.mimeType) !== media.kind) {
    return `media.mimeType ${media.mimeType} is not ${article(media.kind)} ${named(media.kind)} type (allowed: ${MEDIA_TYPES[media.kind].join(', ')})`;
  }
  if (media.caption !== undefined && media.kind === 'audio') {
    return 'WhatsApp sends audio without a caption';
  }
  if (media.caption !== undefined && media.caption.length > MAX_CAPTION_LENGTH) {
    return `media.caption is ${media.caption.length} characters; WhatsApp allows ${MAX_CAPTION_LENGTH}`;
  }
  return undefined;
}
