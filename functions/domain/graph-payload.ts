import { graphRecipient } from './identity';
import { isStoredMedia, type MediaRef, type OutboundMessage } from './outbound-message';

/** The JSON body of POST /{version}/{phone-number-id}/messages for one message. */
export type GraphPayload = Record<string, unknown>;

function mediaObject(media: MediaRef, caption?: string): Record<string, unknown> {
  if (isStoredMedia(media)) {
    // The sender uploads stored media and sends WhatsApp's id instead; reaching here is a bug.
    throw new Error(`stored media ${media.storedId} must be uploaded to WhatsApp before it is sent`);
  }
  return {
    ...('url' in media ? { link: media.url } : { id: media.whatsappId }),
    // WhatsApp refuses a caption on audio.
    ...(caption && media.type !== 'audio' ? { caption } : {}),
    ...(media.type === 'document' && media.filename ? { filename: media.filename } : {}),
  };
}

export function buildGraphPayload(message: OutboundMessage): GraphPayload {
  const base: GraphPayload = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    // A user known only by their business-scoped user id is addressed by `recipient` (Meta's BSUID send).
    ...graphRecipient(message.to),
    ...(message.callbackData ? { biz_opaque_callback_data: message.callbackData } : {}),
  };
  const c = message.content;
  switch (c.kind) {
    case 'text':
      return { ...base, type: 'text', text: { preview_url: /https?:\/\//.test(c.body), body: c.body } };
    case 'media':
      return { ...base, type: c.media.type, [c.media.type]: mediaObject(c.media, c.caption) };
    case 'buttons':
      return {
        ...base,
        type: 'interactive',
        interactive: {
          type: 'button',
          ...(c.header ? { header: { type: c.header.type, [c.header.type]: mediaObject(c.header) } } : {}),
          body: { text: c.body },
          action: { buttons: c.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      };
    case 'template': {
      const components: Record<string, unknown>[] = [];
      if (c.headerMedia) {
        components.push({
          type: 'header',
          parameters: [{ type: c.headerMedia.type, [c.headerMedia.type]: mediaObject(c.headerMedia) }],
        });
      } else if (c.headerText) {
        components.push({ type: 'header', parameters: [textParameter(c.headerText)] });
      }
      if (c.bodyParameters.length > 0) {
        components.push({ type: 'body', parameters: c.bodyParameters.map(textParameter) });
      }
      return {
        ...base,
        type: 'template',
        template: {
          name: c.name,
          language: { code: c.language },
          ...(components.length > 0 ? { components } : {}),
        },
      };
    }
  }
}

function textParameter(p: { name?: string; text: string }): Record<string, unknown> {
  return { type: 'text', ...(p.name ? { parameter_name: p.name } : {}), text: p.text };
}
