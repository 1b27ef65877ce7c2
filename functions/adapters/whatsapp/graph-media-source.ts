/**
 * LIVE mode: a customer's media through the Graph API. `GET /{version}/{media-id}` answers a download URL
 * (valid about five minutes) with the file's type, size and SHA-256; the URL is then fetched with the same
 * access token. Failures come back as values with their reason, never thrown.
 */
import type { InboundMedia, MediaProblem } from '../../domain/media';
import type { DownloadedMedia, MediaLookup, MediaOutcome, WhatsAppMediaSource } from '../../ports';
import { parseGraphError } from './graph-sender';
import { describeFetchError } from './graph-transport';

export interface GraphMediaOptions {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly accessToken: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

type Obj = Record<string, unknown>;

export class GraphMediaSource implements WhatsAppMediaSource {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: GraphMediaOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  async lookup(media: InboundMedia): Promise<MediaOutcome<MediaLookup>> {
    const o = this.options;
    const url = `${o.baseUrl}/${o.apiVersion}/${encodeURIComponent(media.whatsappId ?? '')}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        headers: { authorization: `Bearer ${o.accessToken}` },
        signal: AbortSignal.timeout(o.timeoutMs),
      });
    } catch (error) {
      return unreachable(describeFetchError(error, o.timeoutMs));
    }
    const text = await response.text().catch(() => '');
    const body = safeJson(text);
    if (!response.ok) return graphRefusal(body, response.status, text);
    const b = (body ?? {}) as Obj;
    if (typeof b.url !== 'string' || !isTrustedMediaUrl(b.url, o.baseUrl)) {
      return {
        ok: false,
        problem: {
          reason: 'graph_error',
          httpStatus: response.status,
          message:
            typeof b.url === 'string'
              ? `the Graph API named a download address that is not Meta's (${safeHost(b.url)}); the access token is not sent there`
              : 'the Graph API answered without a download URL',
          transient: false,
        },
      };
    }
    const size = Number(b.file_size);
    return {
      ok: true,
      value: {
        url: b.url,
        ...(typeof b.mime_type === 'string' ? { mimeType: b.mime_type } : {}),
        ...(Number.isFinite(size) && size >= 0 ? { size } : {}),
        ...(typeof b.sha256 === 'string' && b.sha256 ? { sha256: b.sha256 } : {}),
      },
    };
  }

  async download(lookup: MediaLookup, maxBytes: number): Promise<MediaOutcome<DownloadedMedia>> {
    const o = this.options;
    let response: Response;
    const signal = AbortSignal.timeout(o.timeoutMs);
    try {
      let url = lookup.url;
      // Redirects are followed by hand, and only to Meta's own hosts: the token never leaves them.
      for (let hop = 0; ; hop++) {
        if (!isTrustedMediaUrl(url, o.baseUrl)) return untrusted(url);
        response = await this.fetchImpl(url, {
          headers: { authorization: `Bearer ${o.accessToken}` },
          signal,
          redirect: 'manual',
        });
        const next = response.headers.get('location');
        if (response.status < 300 || response.status >= 400 || !next || hop >= 2) break;
        await response.body?.cancel().catch(() => undefined);
        url = new URL(next, url).toString();
      }
    } catch (error) {
      return unreachable(describeFetchError(error, o.timeoutMs));
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      return untrusted(response.headers.get('location') ?? '(no address)');
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      // Meta's media URLs stop working after about five minutes; a refused token is a 401.
      if ([403, 404, 410].includes(response.status))
        return { ok: false, problem: { reason: 'link_expired' } };
      return {
        ok: false,
        problem: {
          reason: 'graph_error',
          httpStatus: response.status,
          message:
            response.status === 401
              ? 'the media download refused the access token'
              : `the media download answered HTTP ${response.status}`,
          transient: response.status >= 500 || response.status === 429,
        },
      };
    }
    const contentType = response.headers.get('content-type') ?? undefined;
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      return { ok: false, problem: { reason: 'too_large', size: declared, limit: maxBytes } };
    }
    try {
      const bytes = await readAtMost(response, maxBytes);
      if (!bytes)
        return {
          ok: false,
          problem: { reason: 'too_large', size: maxBytes, limit: maxBytes, atLeast: true },
        };
      return { ok: true, value: { bytes, ...(contentType ? { contentType } : {}) } };
    } catch (error) {
      return unreachable(describeFetchError(error, o.timeoutMs));
    }
  }
}

/**
 * Meta serves media from its own hosts (lookaside.fbsbx.com and the like), over https. The configured Graph
 * base URL's own origin counts too: the simulator and the tests' fake Graph API serve media themselves.
 * Anything else (a private address, the metadata service, plain http elsewhere) never gets the token.
 */
const META_MEDIA_HOSTS = ['fbsbx.com', 'facebook.com', 'fbcdn.net', 'whatsapp.net', 'whatsapp.com'];

export function isTrustedMediaUrl(url: string, baseUrl: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.origin === new URL(baseUrl).origin) return true;
  if (target.protocol !== 'https:' || target.username || target.password) return false;
  const host = target.hostname.toLowerCase();
  return META_MEDIA_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'not a URL';
  }
}

function untrusted(url: string): MediaOutcome<DownloadedMedia> {
  return {
    ok: false,
    problem: {
      reason: 'graph_error',
      message: `the media download pointed to ${safeHost(url)}, which is not Meta's; the access token is not sent there`,
      transient: false,
    },
  };
}

/** The body, or undefined as soon as it passes `maxBytes` (the rest is never read). */
async function readAtMost(response: Response, maxBytes: number): Promise<Uint8Array | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

function unreachable(message: string): { ok: false; problem: MediaProblem } {
  return { ok: false, problem: { reason: 'unreachable', message } };
}

function graphRefusal(body: unknown, status: number, text: string): { ok: false; problem: MediaProblem } {
  const failure = parseGraphError(body, status, text);
  return {
    ok: false,
    problem: {
      reason: 'graph_error',
      httpStatus: status,
      code: failure.code,
      // A bare HTTP error has no Meta body: its status already says all there is.
      message:
        failure.code === null
          ? text.trim().slice(0, 200) || 'no error details'
          : failure.details
            ? `${failure.title} (${failure.details})`
            : failure.title,
      transient: failure.action === 'retry',
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
