/**
 * The crawler's HTTP client. Every connection, including each redirect hop, resolves the host and refuses
 * non-public addresses at connect time (so a DNS answer cannot change between the check and the
 * connection); redirects are followed by hand so each hop's URL is checked too. Bodies are capped (after
 * decompression, so a small gzip bomb is refused like a large page) and every request has a deadline.
 *
 * Built on node:http/https rather than fetch: only they take a connect-time `lookup`, and Node's own fetch
 * would need the undici package (700 KB of bundle) to be given one.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import {
  type AddressPolicy,
  BlockedAddressError,
  blockedReason,
  checkUrl,
} from '../../domain/knowledge/address-policy';
import type { FetchedPage, WebFetcher } from '../../ports';
import { guardedLookup, systemResolve } from './guarded-lookup';

export interface GuardedFetcherOptions {
  readonly policy: AddressPolicy;
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  /** How host names resolve; the system resolver by default (tests inject one). */
  readonly resolve?: (host: string) => Promise<string[]>;
  /** Certificates trusted instead of Node's bundled roots (tests; a private PKI). */
  readonly ca?: string;
}

export class FetchRefusedError extends Error {
  override readonly name = 'FetchRefusedError';
}

/** Only text is read; a PDF or an image is reported by its type without downloading it. */
const TEXTUAL = /^(text\/|application\/(xhtml\+xml|xml|rss\+xml|atom\+xml|json)$)/;

export class GuardedFetcher implements WebFetcher {
  private readonly resolve: (host: string) => Promise<string[]>;
  private readonly lookup: LookupFunction;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };

  constructor(private readonly options: GuardedFetcherOptions) {
    this.resolve = options.resolve ?? systemResolve;
    this.lookup = guardedLookup(this.resolve, options.policy);
    // Pages of one site share connections; the lookup above runs for every new connection.
    this.agents = {
      http: new HttpAgent({ keepAlive: true, maxSockets: 8 }),
      https: new HttpsAgent({ keepAlive: true, maxSockets: 8, ...(options.ca ? { ca: options.ca } : {}) }),
    };
  }

  async get(start: string): Promise<FetchedPage> {
    let url = new URL(start);
    for (let hop = 0; hop <= this.options.maxRedirects; hop++) {
      const refused = checkUrl(url, this.options.policy);
      if (refused) throw new FetchRefusedError(refused);
      await this.checkHost(url);
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      const response = await this.open(url, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location) {
        response.destroy();
        url = new URL(location, url);
        continue;
      }
      const contentType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!TEXTUAL.test(contentType)) {
        response.destroy();
        return { url: url.href, status, contentType, body: '' };
      }
      const body = await this.readCapped(url, response, signal);
      return { url: url.href, status, contentType, body };
    }
    throw new FetchRefusedError(`more than ${this.options.maxRedirects} redirects`);
  }

  /** A clear error before connecting; the connect-time lookup repeats the check against rebinding. */
  private async checkHost(url: URL): Promise<void> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (/^[\d.]+$|:/.test(host)) return; // an address literal, already judged by checkUrl
    const addresses = await this.resolve(host).catch((e: Error) => {
      throw new FetchRefusedError(`${host} does not resolve (${e.message})`);
    });
    const blocked = addresses.map((a) => blockedReason(a, this.options.policy)).find(Boolean);
    if (blocked) throw new FetchRefusedError(`${host} resolves to a refused address: ${blocked}`);
  }

  private open(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        url,
        {
          method: 'GET',
          agent: https ? this.agents.https : this.agents.http,
          lookup: this.lookup,
          signal,
          headers: {
            'user-agent': this.options.userAgent,
            accept: 'text/html,application/xhtml+xml,text/plain;q=0.8,*/*;q=0.5',
            'accept-encoding': 'gzip, deflate, br',
          },
        },
        resolve,
      );
      request.on('error', (error: Error) => reject(this.refusal(url, error, signal)));
      request.end();
    });
  }

  private refusal(url: URL, error: Error, signal: AbortSignal): FetchRefusedError {
    if (error instanceof FetchRefusedError) return error;
    if (error instanceof BlockedAddressError) return new FetchRefusedError(error.message);
    if (signal.aborted) {
      return new FetchRefusedError(
        `could not fetch ${url.href}: no complete answer within ${this.options.timeoutMs} ms`,
      );
    }
    return new FetchRefusedError(`could not fetch ${url.href}: ${error.message}`);
  }

  private async readCapped(url: URL, response: IncomingMessage, signal: AbortSignal): Promise<string> {
    const max = this.options.maxBytes;
    const declared = Number(response.headers['content-length'] ?? '0');
    const encoding = (response.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (declared > max && encoding === 'identity') {
      response.destroy();
      throw new FetchRefusedError(`larger than ${max} bytes`);
    }
    const body = decoded(response, encoding);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        size += chunk.byteLength;
        if (size > max) throw new FetchRefusedError(`larger than ${max} bytes`);
        chunks.push(chunk);
      }
    } catch (error) {
      throw this.refusal(url, error as Error, signal);
    } finally {
      if (body !== response) body.destroy();
      response.destroy();
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async close(): Promise<void> {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** The body as sent before compression; an unknown encoding is refused rather than indexed as noise. */
function decoded(response: IncomingMessage, encoding: string): Readable {
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (encoding === 'identity' || encoding === '') return response;
  if (!decoder) {
    response.destroy();
    throw new FetchRefusedError(`content-encoding ${encoding} is not supported`);
  }
  response.on('error', (error) => decoder.destroy(error));
  return response.pipe(decoder);
}
