/**
 * What the platform asks WhatsApp to deliver, independent of how it is transported.
 * `to` is E.164 with the leading "+" (Meta prepends the business number's country code otherwise).
 */

export interface ReplyButton {
  readonly id: string;
  readonly title: string;
}

export interface MediaRef {
  readonly type: 'image' | 'document';
  readonly url: string;
  readonly filename?: string;
}

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

/** One readable line describing a message, used by the DEV console sender and in logs. */
export function describeContent(content: OutboundContent): string {
  switch (content.kind) {
    case 'text':
      return content.body;
    case 'media': {
      const what =
        content.media.type === 'image' ? 'image' : `document ${content.media.filename ?? ''}`.trim();
      return `[${what} ${content.media.url}]${content.caption ? ` ${content.caption}` : ''}`;
    }
    case 'buttons': {
      const header = content.header ? `[${content.header.type} ${content.header.url}] ` : '';
      return `${header}${content.body} ${content.buttons.map((b) => `[${b.title}]`).join(' ')}`;
    }
    case 'template':
      return `[template ${content.name}/${content.language}] ${content.preview}`;
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' / ');
}
