/** Media in the API: what a conversation message carries, and what an upload answers. */
import { z } from '@hono/zod-openapi';
import { MEDIA_KINDS, OUTBOUND_MEDIA_KINDS } from '../../domain/media';

export const ConversationMediaSchema = z
  .object({
    id: z.string().openapi({ description: 'The media id: GET /api/media/{id} answers the file' }),
    kind: z.enum(MEDIA_KINDS),
    mimeType: z.string().openapi({ example: 'image/jpeg' }),
    size: z.number().int().min(0).optional().openapi({ description: 'Bytes' }),
    filename: z.string().optional().openapi({ description: "A document's file name" }),
    caption: z.string().optional(),
    url: z.string().openapi({
      description: 'The API path that serves the file to signed-in users and API keys',
      example: '/api/media/in_0f3c2a9b8e7d6c5b4a39281706f5e4d3',
    }),
  })
  .openapi('ConversationMedia', {
    description: "An image, document, audio, video or sticker, kept in the platform's private media store",
  });

export const UploadedMediaSchema = z
  .object({
    id: z.string().openapi({ example: 'up_01JZ8Q7W6V5T4S3R2Q1P0N9M8K' }),
    kind: z.enum(OUTBOUND_MEDIA_KINDS).openapi({ description: 'What WhatsApp sends it as, from its type' }),
    mimeType: z.string().openapi({ example: 'image/png' }),
    size: z.number().int().min(1).openapi({ description: 'Bytes' }),
    filename: z.string().optional(),
    url: z.string().openapi({ example: '/api/media/up_01JZ8Q7W6V5T4S3R2Q1P0N9M8K' }),
  })
  .openapi('UploadedMedia', {
    description: 'Stored, ready to send in a reply as media: {id, kind, mimeType, filename, caption}',
  });
