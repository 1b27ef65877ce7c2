/**
 * The kinds of media WhatsApp carries and the types it documents for each: apart from media.ts (which
 * hashes with node:crypto) so the console can offer exactly what the API will accept.
 */

export const MEDIA_KINDS = ['image', 'document', 'audio', 'video', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** What an agent can send from an upload: stickers are not sent from the inbox. */
export const OUTBOUND_MEDIA_KINDS = ['image', 'document', 'audio', 'video'] as const;
export type OutboundMediaKind = (typeof OUTBOUND_MEDIA_KINDS)[number];

/** The types WhatsApp documents for each kind; anything else is neither kept nor uploaded. */
export const MEDIA_TYPES: Readonly<Record<MediaKind, readonly string[]>> = {
  image: ['image/jpeg', 'image/png'],
  audio: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
  video: ['video/mp4', 'video/3gpp'],
  sticker: ['image/webp'],
  document: [
    'text/plain',
    'application/pdf',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.ms-powerpoint',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ],
};
