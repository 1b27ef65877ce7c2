import type { OutboundMediaKind, OutgoingMedia } from './media';

/**
 * What the platform asks WhatsApp to deliver, independent of how it is transported.
 * `to` is E.164 with the leading "+" (Meta prepends the business number's country code otherwise).
 */

export interface ReplyButton {
  readonly id: string;
  readonly title: string;
}

/** Media WhatsApp fetches itself from a public https link (template and campaign media). */
export interface LinkMedia {
  readonly type: 'image' | 'document';
  readonly url: string;
  readonly filename?: string;
}

/**
 * Media the platform stores (an agent's upload, by its media id): the sender uploads the bytes to
 * WhatsApp's media API first and sends the id WhatsApp answers.
 */
export interface StoredMediaRef {
  readonly type: OutboundMediaKind;
  readonly storedId: string;
  readonly mimeType: string;
  readonly filename?: string;
  /** Bytes, when known: only for the conversation record. */
  readonly size?: number;
}

/** Media already on WhatsApp's servers: the id its media upload answered. */
export interface UploadedMediaRef {
  readonly type: OutboundMediaKind;
  readonly whatsappId: string;
  readonly filename?: string;
}

export type MediaRef = LinkMedia | StoredMediaRef | UploadedMediaRef;

export const isStoredMedia = (media: MediaRef): media is StoredMediaRef => 'storedId' in media;

/** One parameter of a Meta-approved template: positional (no name) or named. */
export interface TemplateParameter {
  readonly name?: string;
  readonly text: string;
}

export type OutboundContent =
  | { readonly kind: 'text'; readonly body: string }
  | { readonly kind: 'media'; readonly media: MediaRef; readonly caption?: string }
  | {
      readonly kind: 'buttons';
      readonly body: string;
      readonly buttons: readonly ReplyButton[];
      readonly header?: MediaRef;
    }
  | {
      readonly kind: 'template';
      readonly name: string;
      readonly language: string;
      readonly bodyParameters: readonly TemplateParameter[];
      readonly headerText?: TemplateParameter;
      readonly headerMedia?: MediaRef;
      /** Our own rendering of the message, for logs and the conversation record; never sent. */
      readonly preview: string;
    };

export interface OutboundMessage {
  readonly to: string;
  readonly content: OutboundContent;
  /** Echoed by Meta in status webhooks as biz_opaque_callback_data; lets a status find its send. */
  readonly callbackData?: string;
}

/** A single message's upload as what WhatsApp is asked to deliver (the sender uploads it first). */
export function mediaContent(media: OutgoingMedia): OutboundContent {
  return {
    kind: 'media',
    media: {
      type: media.kind,
      storedId: media.id,
      mimeType: media.mimeType,
      ...(media.filename ? { filename: media.filename } : {}),
      ...(media.size !== undefined ? { size: media.size } : {}),
    },
    ...(media.caption ? { caption: media.caption } : {}),
  };
}

/** One readable line describing a message, used by the DEV console sender and in logs. */
export function describeContent(content: OutboundContent): string {
  switch (content.kind) {
    case 'text':
      return content.body;
    case 'media':
      return `${mediaLabel(content.media)}${content.caption ? ` ${content.caption}` : ''}`;
    case 'buttons': {
      const header = content.header ? `${mediaLabel(content.header)} ` : '';
      return `${header}${content.body} ${content.buttons.map((b) => `[${b.title}]`).join(' ')}`;
    }
    case 'template':
      return `[template ${content.name}/${content.language}] ${content.preview}`;
  }
}

/**
 * `[image https://...]` for a link; `[image]` or `[document report.pdf]` for stored media, as inbound
 * media reads in the conversation.
 */
function mediaLabel(media: MediaRef): string {
  const what = media.type === 'document' ? `document ${media.filename ?? ''}`.trim() : media.type;
  return 'url' in media ? `[${what} ${media.url}]` : `[${what}]`;
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' / ');
}
