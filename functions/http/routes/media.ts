/**
 * Media for signed-in users and API keys only (the auth middleware guards every /api route but a few
 * public ones): GET /api/media/{id} answers a customer's file or an upload with its stored type, and
 * POST /api/media keeps an agent's file to send in a reply.
 */
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ulid } from 'ulid';
import {
  ALL_MEDIA_TYPES,
  describeMediaProblem,
  isMediaId,
  limitFor,
  MEDIA_TYPES,
  mediaPath,
  mimeEssence,
  OUTBOUND_MEDIA_KINDS,
  type StoredMediaInfo,
  safeFilename,
  uploadKindOf,
} from '../../domain/media';
import type { Clock, MediaStore } from '../../ports';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { errorResponse, jsonResponse } from '../schemas';
import { UploadedMediaSchema } from '../schemas/media';

const tags = ['Media'];
const security = [{ bearerAuth: [] }];

/** The files never change under their id, so a browser may keep them a while; shared caches never. */
export const MEDIA_CACHE_CONTROL = 'private, max-age=3600';

const UPLOAD_TYPES = [...new Set(OUTBOUND_MEDIA_KINDS.flatMap((kind) => MEDIA_TYPES[kind]))];
const binary = (types: readonly string[]) =>
  Object.fromEntries(types.map((t) => [t, { schema: z.string().openapi({ format: 'binary' }) }]));

export interface MediaRouteDeps {
  readonly store: MediaStore;
  /** MEDIA_MAX_BYTES: no upload is larger, whatever WhatsApp would take. */
  readonly maxBytes: number;
  /**
   * In Lambda, an answer is at most 6 MB and binary bodies travel base64 (a third larger): a file over
   * this many bytes is answered with a redirect to a signed link that works for a minute instead.
   */
  readonly redirectAboveBytes?: number;
}

/** Lambda's 6 MB answer, less the base64 third and the headers: the largest file the api passes through. */
export const LAMBDA_PASS_THROUGH_BYTES = 4 * 1024 * 1024;

/**
 * The body rule app.ts applies to uploads: any type (the route refuses the wrong ones in words) up to the
 * platform's cap. Read when a request comes, so describing the API never asks for the setting.
 */
export function mediaUploadRule(media: Pick<MediaRouteDeps, 'maxBytes'>) {
  return {
    path: /^\/api\/media$/,
    method: 'POST',
    get bytes() {
      return media.maxBytes;
    },
    // Every type passes here, a missing one too: the route refuses them with the allowed types named.
    types: /(?:)/,
  };
}

const routes = {
  get: createRoute({
    method: 'get',
    path: '/api/media/{id}',
    operationId: 'getMedia',
    tags,
    security,
    summary: "A conversation's media: a customer's image, document, audio, video or sticker, or an upload",
    description:
      'The bytes with their stored Content-Type; images, audio and video `inline`, documents as an ' +
      '`attachment` with their file name. `X-Content-Type-Options: nosniff`; a browser may keep it privately ' +
      'for an hour (`Cache-Control: private`).',
    request: {
      params: z.object({
        id: z
          .string()
          .min(1)
          .max(128)
          .openapi({ param: { name: 'id', in: 'path' }, example: 'in_0f3c2a9b8e7d6c5b4a39281706f5e4d3' }),
      }),
    },
    responses: {
      200: {
        description: 'The file',
        headers: {
          'Content-Disposition': {
            schema: { type: 'string' },
            description: 'inline, or attachment; filename=...',
          },
          'Cache-Control': { schema: { type: 'string' }, description: MEDIA_CACHE_CONTROL },
        },
        content: binary(ALL_MEDIA_TYPES),
      },
      302: {
        description:
          'In AWS, a file over 4 MB (too large for a Lambda answer): a signed link to it that works for a minute',
        headers: { Location: { schema: { type: 'string' }, description: 'The signed link' } },
      },
      404: errorResponse('No media with this id (or it expired, a year after it was kept)'),
    },
  }),
  upload: createRoute({
    method: 'post',
    path: '/api/media',
    operationId: 'uploadMedia',
    tags,
    security,
    summary: 'Keep a file to send in a reply: the raw bytes as the body, with their Content-Type',
    description:
      'Images (JPEG, PNG), documents (PDF, Word, Excel, PowerPoint, text), audio and video as WhatsApp ' +
      "sends them, each up to WhatsApp's limit for its kind (image 5 MB, audio and video 16 MB, document " +
      "100 MB) and the platform's MEDIA_MAX_BYTES (16 MB by default). The file name comes from `filename` " +
      'or a `Content-Disposition: attachment; filename="..."` header.',
    request: {
      query: z.object({
        filename: z
          .string()
          .max(200)
          .optional()
          .openapi({ description: "The file's name, shown to the customer" }),
      }),
      body: { required: true, content: binary(UPLOAD_TYPES) },
    },
    responses: {
      201: jsonResponse(UploadedMediaSchema, 'Stored'),
      400: errorResponse('An empty body'),
      413: errorResponse('Over the limit for its kind (the answer names it)'),
      415: errorResponse('A type WhatsApp does not send (the answer names it and the allowed ones)'),
    },
  }),
};

export function registerMediaRoutes(
  app: OpenAPIHono<AppEnv>,
  d: { readonly media: MediaRouteDeps; readonly clock: Clock },
): void {
  app.openapi(routes.get, async (c) => {
    const id = c.req.valid('param').id;
    const limit = d.media.redirectAboveBytes;
    if (limit !== undefined && isMediaId(id)) {
      const info = await d.media.store.head(id);
      if (info && info.size > limit) {
        // Only a signed-in caller gets here (the auth middleware): the link is theirs, and expires.
        const link = await d.media.store.link(info, contentDisposition(info), 60);
        return c.body(null, 302, { location: link, 'cache-control': 'no-store' });
      }
    }
    const found = isMediaId(id) ? await d.media.store.open(id) : undefined;
    if (!found) throw new ApiError(404, 'not_found', `there is no media ${id}`);
    return c.body(found.body, 200, {
      'content-type': found.info.mimeType,
      'content-length': String(found.info.size),
      'content-disposition': contentDisposition(found.info),
      'x-content-type-options': 'nosniff',
      'cache-control': MEDIA_CACHE_CONTROL,
    });
  });

  app.openapi(routes.upload, async (c) => {
    const type = mimeEssence(c.req.header('content-type'));
    const kind = uploadKindOf(type);
    if (!kind) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        `${type || 'a body without a Content-Type'} cannot be sent on WhatsApp; upload one of ${UPLOAD_TYPES.join(', ')}`,
        { mimeType: type, allowed: UPLOAD_TYPES },
      );
    }
    const limit = limitFor(kind, d.media.maxBytes);
    const declared = Number(c.req.header('content-length'));
    // Refused before the body is read when its length already says too much.
    if (Number.isFinite(declared) && declared > limit) throw tooLarge(kind, declared, limit);
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength === 0) {
      throw new ApiError(400, 'empty_body', "the body is empty: send the file's bytes as the body");
    }
    if (bytes.byteLength > limit) throw tooLarge(kind, bytes.byteLength, limit);
    const filename = safeFilename(
      c.req.valid('query').filename ?? filenameFromDisposition(c.req.header('content-disposition')) ?? '',
    );
    const info: StoredMediaInfo = {
      id: `up_${ulid(d.clock.now().getTime())}`,
      kind,
      mimeType: type,
      size: bytes.byteLength,
      ...(filename ? { filename } : {}),
    };
    await d.media.store.put(info, bytes);
    c.var.logger.info('media uploaded', { id: info.id, kind, mimeType: type, size: info.size });
    return c.json({ ...info, kind, url: mediaPath(info.id) }, 201);
  });
}

function tooLarge(kind: StoredMediaInfo['kind'], size: number, limit: number): ApiError {
  const message = describeMediaProblem(kind, { reason: 'too_large', size, limit });
  return new ApiError(413, 'payload_too_large', message, { size, limit });
}

/**
 * Images, audio and video show in the page; a document is downloaded under its name. The name is given
 * twice: plain ASCII for old clients, and UTF-8 (RFC 6266, RFC 5987) for the rest.
 */
export function contentDisposition(info: Pick<StoredMediaInfo, 'kind' | 'filename'>): string {
  if (info.kind !== 'document') return 'inline';
  const name = info.filename ?? 'document';
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** `attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf` or `filename="report.pdf"`, as clients send them. */
function filenameFromDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      return undefined;
    }
  }
  return /filename\s*=\s*"([^"]*)"/i.exec(header)?.[1] ?? /filename\s*=\s*([^;\s]+)/i.exec(header)?.[1];
}
