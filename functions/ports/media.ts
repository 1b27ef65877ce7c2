/** Media: where a customer's files come from (WhatsApp), and where the platform keeps them. */
import type { InboundMedia, MediaProblem, StoredMediaInfo } from '../domain/media';

/** What WhatsApp says about one media id: a short-lived download link and what it should bring. */
export interface MediaLookup {
  readonly url: string;
  readonly mimeType?: string;
  readonly size?: number;
  readonly sha256?: string;
}

export interface DownloadedMedia {
  readonly bytes: Uint8Array;
  /** The Content-Type the download answered with, if any. */
  readonly contentType?: string;
}

/** Failures are values with their reason, never thrown: the caller decides whether to try again. */
export type MediaOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: MediaProblem };

/** WhatsApp's media API in LIVE mode; built-in samples in DEV mode. */
export interface WhatsAppMediaSource {
  lookup(media: InboundMedia): Promise<MediaOutcome<MediaLookup>>;
  /** The bytes behind a lookup; stops at `maxBytes` and answers too_large rather than hold more. */
  download(lookup: MediaLookup, maxBytes: number): Promise<MediaOutcome<DownloadedMedia>>;
}

/** The private media bucket: one object per media id, its type and name kept with it. */
export interface MediaStore {
  put(info: StoredMediaInfo, bytes: Uint8Array): Promise<void>;
  /** What is stored under an id, without its bytes; undefined when nothing is. */
  head(id: string): Promise<StoredMediaInfo | undefined>;
  /** The bytes as a stream, for answering an HTTP request without holding the file. */
  open(id: string): Promise<{ info: StoredMediaInfo; body: ReadableStream<Uint8Array> } | undefined>;
  read(id: string): Promise<{ info: StoredMediaInfo; bytes: Uint8Array } | undefined>;
  /** A short-lived signed link straight to the file (for files too large to pass through the API). */
  link(info: StoredMediaInfo, disposition: string, seconds: number): Promise<string>;
}
