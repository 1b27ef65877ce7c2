/**
 * The media half of the fake Graph API (FakeGraphServer serves it on the same port): a media id's lookup
 * answers a download link on the fake itself that expires, the link answers the bytes only with the
 * bearer token the lookup was made with, and uploads to /{phone-number-id}/media are parsed (multipart)
 * and answered with a media id, as Meta's Cloud API does.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FakeMediaFile {
  readonly bytes: Buffer;
  readonly mimeType: string;
  /** What the lookup announces; by default the truth (type, size, hex SHA-256). null leaves it out. */
  readonly announcedType?: string;
  readonly announcedSize?: number | null;
  readonly sha256?: string | null;
  /** The Content-Type the download answers with; the real type by default. */
  readonly servedType?: string;
  /** How long a download link works (Meta: about five minutes); 0 makes every link arrive expired. */
  readonly linkTtlMs?: number;
}

export interface FakeUpload {
  readonly id: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly messagingProduct: string | undefined;
  readonly type: string | undefined;
  readonly fileType: string | undefined;
  readonly filename: string | undefined;
  readonly bytes: Buffer;
}

const LOOKUP = /^\/v\d+\.\d+\/([^/?]+)$/;
const DOWNLOAD = /^\/media-download\/([^/?]+)$/;
const UPLOAD = /^\/v\d+\.\d+\/([^/?]+)\/media$/;

const metaError = (status: number, code: number, message: string) => ({
  status,
  body: { error: { message, type: 'OAuthException', code, fbtrace_id: 'FAKE' } },
});

export class FakeGraphMedia {
  readonly files = new Map<string, FakeMediaFile>();
  readonly lookups: { id: string; authorization: string | undefined }[] = [];
  readonly downloads: { id: string; status: number }[] = [];
  readonly uploads: FakeUpload[] = [];
  private readonly failures = new Map<string, { status: number; left: number }>();
  private readonly tokens = new Map<string, string | undefined>();

  constructor(private readonly baseUrl: () => string) {}

  add(id: string, file: FakeMediaFile): this {
    this.files.set(id, file);
    return this;
  }

  /** The next `times` lookups of `id` answer `status` (a 5xx by default) before it is served. */
  failLookups(id: string, times: number, status = 500): this {
    this.failures.set(id, { status, left: times });
    return this;
  }

  /** Answers a media request and says so; anything else (message sends) is left to the caller. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    if (method === 'POST' && UPLOAD.test(url.pathname)) {
      await this.upload(req, res, url.pathname);
      return true;
    }
    if (method !== 'GET') return false;
    const download = DOWNLOAD.exec(url.pathname);
    if (download) {
      this.download(req, res, decodeURIComponent(download[1]!), url);
      return true;
    }
    const lookup = LOOKUP.exec(url.pathname);
    if (lookup) {
      this.lookup(req, res, decodeURIComponent(lookup[1]!));
      return true;
    }
    return false;
  }

  private lookup(req: IncomingMessage, res: ServerResponse, id: string): void {
    this.lookups.push({ id, authorization: req.headers.authorization });
    const failing = this.failures.get(id);
    if (failing && failing.left > 0) {
      failing.left -= 1;
      json(res, { status: failing.status, body: 'Service temporarily unavailable' });
      return;
    }
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      json(res, metaError(401, 190, 'Invalid OAuth access token.'));
      return;
    }
    const file = this.files.get(id);
    if (!file) {
      const message = `(#100) Unsupported get request. Object with ID '${id}' does not exist`;
      json(res, metaError(400, 100, message));
      return;
    }
    this.tokens.set(id, req.headers.authorization);
    const expires = Date.now() + (file.linkTtlMs ?? 300_000);
    const size = file.announcedSize === undefined ? file.bytes.length : file.announcedSize;
    const sha256 =
      file.sha256 === undefined ? createHash('sha256').update(file.bytes).digest('hex') : file.sha256;
    json(res, {
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        url: `${this.baseUrl()}/media-download/${encodeURIComponent(id)}?expires=${expires}`,
        mime_type: file.announcedType ?? file.mimeType,
        ...(sha256 !== null ? { sha256 } : {}),
        ...(size !== null ? { file_size: size } : {}),
        id,
      },
    });
  }

  private download(req: IncomingMessage, res: ServerResponse, id: string, url: URL): void {
    const file = this.files.get(id);
    const answer = (status: number) => {
      this.downloads.push({ id, status });
      return status;
    };
    if (!file) {
      json(res, { status: answer(404), body: { error: 'not found' } });
      return;
    }
    if (!req.headers.authorization || req.headers.authorization !== this.tokens.get(id)) {
      json(res, { status: answer(401), body: { error: 'the bearer token is required' } });
      return;
    }
    if (Date.now() > Number(url.searchParams.get('expires'))) {
      json(res, { status: answer(404), body: { error: 'URL signature expired' } });
      return;
    }
    answer(200);
    res.writeHead(200, {
      'content-type': file.servedType ?? file.mimeType,
      'content-length': String(file.bytes.length),
    });
    res.end(file.bytes);
  }

  private async upload(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const raw = await readAll(req);
    const parts = parseMultipart(raw, req.headers['content-type'] ?? '');
    const file = parts.find((p) => p.name === 'file');
    const field = (name: string) => parts.find((p) => p.name === name)?.body.toString('utf8');
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      json(res, metaError(401, 190, 'Invalid OAuth access token.'));
      return;
    }
    if (!file || field('messaging_product') !== 'whatsapp') {
      json(res, metaError(400, 100, '(#100) The parameter messaging_product and file are required'));
      return;
    }
    const id = `${9_000_000_000_000 + this.uploads.length + 1}`;
    this.uploads.push({
      id,
      path,
      authorization: req.headers.authorization,
      messagingProduct: field('messaging_product'),
      type: field('type'),
      fileType: file.type,
      filename: file.filename,
      bytes: file.body,
    });
    json(res, { status: 200, body: { id } });
  }
}

function json(res: ServerResponse, answer: { status: number; body: unknown }): void {
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Part {
  readonly name: string | undefined;
  readonly filename: string | undefined;
  readonly type: string | undefined;
  readonly body: Buffer;
}

/** Enough of multipart/form-data (RFC 7578) to read what a media upload sends. */
export function parseMultipart(raw: Buffer, contentType: string): Part[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let at = raw.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delimiter, start);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, body, CRLF before the next delimiter.
    const part = raw.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disposition)?.[1],
      filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1],
      type: /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1]?.trim(),
      body: part.subarray(split + 4),
    });
    at = next;
  }
  return parts;
}
