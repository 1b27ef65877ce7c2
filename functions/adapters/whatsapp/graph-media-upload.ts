/**
 * LIVE mode: media the platform stores (an agent's upload) reaches WhatsApp through its media API first:
 * `POST /{version}/{phone-number-id}/media` (multipart: messaging_product, type, file) answers an id, and
 * the message then names that id instead of a link WhatsApp would have to fetch.
 */
import {
  isStoredMedia,
  type MediaRef,
  type OutboundMessage,
  type StoredMediaRef,
  type UploadedMediaRef,
} from '../../domain/outbound-message';
import { actionForCode, type SendFailure } from '../../domain/whatsapp-errors';
import type { MediaStore } from '../../ports';
import { parseGraphError } from './graph-sender';
import { describeFetchError } from './graph-transport';

export interface GraphUploadOptions {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly phoneNumberId: string;
  readonly accessToken: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

type Failed = { readonly ok: false; readonly failure: SendFailure };

/** One upload; a failure keeps Meta's code, so the send's retry policy applies to it as to a send. */
export async function uploadMedia(
  o: GraphUploadOptions,
  file: { readonly bytes: Uint8Array; readonly mimeType: string; readonly filename?: string },
): Promise<{ readonly ok: true; readonly id: string } | Failed> {
  const form = new FormData();
  form.append('messaging_product', 'whatsapp');
  form.append('type', file.mimeType);
  form.append('file', new Blob([file.bytes], { type: file.mimeType }), file.filename ?? 'media');
  let response: Response;
  try {
    response = await (o.fetch ?? fetch)(`${o.baseUrl}/${o.apiVersion}/${o.phoneNumberId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${o.accessToken}` },
      body: form,
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (error) {
    // Nothing was sent to the customer yet, so trying again cannot duplicate a message.
    return failed({
      code: null,
      title: 'Media upload failed',
      message: describeFetchError(error, o.timeoutMs),
    });
  }
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) return { ok: false, failure: parseGraphError(body, response.status, text) };
  const id = (body as { id?: unknown } | undefined)?.id;
  if (typeof id === 'string' && id) return { ok: true, id };
  return failed({
    code: null,
    httpStatus: response.status,
    title: 'Unexpected response',
    message: 'The Graph API accepted the media upload but returned no media id',
  });
}

/**
 * The message with each stored media reference replaced by WhatsApp's id for an upload of its bytes.
 * Messages without stored media come back as they are, with no request made.
 */
export async function withUploadedMedia(
  message: OutboundMessage,
  deps: {
    readonly store: Pick<MediaStore, 'read'> | undefined;
    readonly upload: (file: {
      bytes: Uint8Array;
      mimeType: string;
      filename?: string;
    }) => ReturnType<typeof uploadMedia>;
  },
): Promise<{ readonly ok: true; readonly message: OutboundMessage } | Failed> {
  const c = message.content;
  const stored: MediaRef | undefined =
    c.kind === 'media' ? c.media : c.kind === 'buttons' ? c.header : undefined;
  if (!stored || !isStoredMedia(stored)) return { ok: true, message };
  const uploaded = await upload(stored, deps);
  if (!uploaded.ok) return uploaded;
  const content =
    c.kind === 'media'
      ? { ...c, media: uploaded.ref }
      : c.kind === 'buttons'
        ? { ...c, header: uploaded.ref }
        : c;
  return { ok: true, message: { ...message, content } };
}

async function upload(
  ref: StoredMediaRef,
  deps: Parameters<typeof withUploadedMedia>[1],
): Promise<{ readonly ok: true; readonly ref: UploadedMediaRef } | Failed> {
  const found = deps.store ? await deps.store.read(ref.storedId) : undefined;
  if (!found) {
    return failed({
      code: null,
      title: 'Media not found',
      message: `the uploaded media ${ref.storedId} is not stored (it expires a year after the upload)`,
      action: 'fail',
    });
  }
  const answer = await deps.upload({
    bytes: found.bytes,
    mimeType: ref.mimeType,
    ...((ref.filename ?? found.info.filename) ? { filename: ref.filename ?? found.info.filename } : {}),
  });
  if (!answer.ok) return answer;
  return {
    ok: true,
    ref: { type: ref.type, whatsappId: answer.id, ...(ref.filename ? { filename: ref.filename } : {}) },
  };
}

function failed(f: Omit<SendFailure, 'action'> & { action?: SendFailure['action'] }): Failed {
  return { ok: false, failure: { ...f, action: f.action ?? actionForCode(f.code, f.httpStatus) } };
}
