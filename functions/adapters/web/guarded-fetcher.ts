/**
 * The crawler's HTTP client. Every connection, including each redirect hop, resolves the host and refuses
 * non-public addresses at connect time (so a DNS answer cannot change between the check and the
 * connection); redirects are followed by hand so each hop's URL is checked too. Bodies are capped and
 * every request has a deadline.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, fetch } from 'undici';
import {
  type AddressPolicy,
  BlockedAddressError,
  blockedReason,
  checkUrl,
} from '../../domain/knowledge/address-policy';
import type { FetchedPage, WebFetcher } from '../../ports';

export interface GuardedFetcherOptions {
  readonly policy: AddressPolicy;
  readonly userAgent: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly maxRedirects: number;
  /** How host names resolve; the system resolver by default (tests inject one). */
  readonly resolve?: (host: string) => Promise<string[]>;
}

export class FetchRefusedError extends Error {
  override readonly name = 'FetchRefusedError';
}

const systemResolve = (host: string) =>
  new Promise<string[]>((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses: LookupAddress[]) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );

export class GuardedFetcher implements WebFetcher {
  private readonly agent: Agent;
  private readonly resolve: (host: string) => Promise<string[]>;

  constructor(private readonly options: GuardedFetcherOptions) {
    this.resolve = options.resolve ?? systemResolve;
    const guardedLookup: LookupFunction = (host, lookupOptions, callback) => {
      this.resolve(host).then(
        (addresses) => {
          const usable = addresses.filter((a) => !blockedReason(a, options.policy));
          const first = addresses[0];
          if (usable.length !== addresses.length || !first) {
            const why = addresses.map((a) => blockedReason(a, options.policy)).find(Boolean);
            callback(
              new BlockedAddressError(`${host} resolves to a refused address: ${why ?? 'no address'}`),
              '',
              4,
            );
            return;
          }
          const family = (a: string) => (a.includes(':') ? 6 : 4);
          if ((lookupOptions as { all?: boolean }).all) {
            (callback as unknown as (e: null, a: LookupAddress[]) => void)(
              null,
              usable.map((address) => ({ address, family: family(address) })),
            );
          } else callback(null, usable[0]!, family(usable[0]!));
        },
        (error: Error) => callback(error as NodeJS.ErrnoException, '', 4),
      );
    };
    this.agent = new Agent({ connect: { lookup: guardedLookup, timeout: options.timeoutMs } });
  }

  async get(start: string): Promise<FetchedPage> {
    let url = new URL(start);
    for (let hop = 0; hop <= this.options.maxRedirects; hop++) {
      const refused = checkUrl(url, this.options.policy);
      if (refused) throw new FetchRefusedError(refused);
      // A clear error before connecting; the connect-time lookup above repeats the check against rebinding.
      const host = url.hostname.replace(/^\[|\]$/g, '');
      if (!/^[\d.]+$|:/.test(host)) {
        const addresses = await this.resolve(host).catch((e: Error) => {
          throw new FetchRefusedError(`${host} does not resolve (${e.message})`);
        });
        const blocked = addresses.map((a) => blockedReason(a, this.options.policy)).find(Boolean);
        if (blocked) throw new FetchRefusedError(`${host} resolves to a refused address: ${blocked}`);
      }
      const response = await fetch(url, {
        dispatcher: this.agent,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          'user-agent': this.options.userAgent,
          accept: 'text/html,application/xhtml+xml,text/plain;q=0.8,*/*;q=0.5',
        },
      }).catch((error: Error & { cause?: Error }) => {
        const cause = error.cause;
        if (cause instanceof BlockedAddressError) throw new FetchRefusedError(cause.message);
        throw new FetchRefusedError(`could not fetch ${url.href}: ${cause?.message ?? error.message}`);
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        url = new URL(location, url);
        continue;
      }
      const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      // Only text is read; a PDF or image is reported by its type without downloading it.
      const textual = /^(text\/|application\/(xhtml\+xml|xml|rss\+xml|atom\+xml|json)$)/.test(contentType);
      if (!textual) {
        await response.body?.cancel();
        return { url: url.href, status: response.status, contentType, body: '' };
      }
      const body = await this.readCapped(response);

      return { url: url.href, status: response.status, contentType, body };
    }
    throw new FetchRefusedError(`more than ${this.options.maxRedirects} redirects`);
  }

  private async readCapped(response: Awaited<ReturnType<typeof fetch>>): Promise<string> {
    const declared = Number(response.headers.get('content-length') ?? '0');
    if (declared > this.options.maxBytes) {
      await response.body?.cancel();
      throw new FetchRefusedError(`larger than ${this.options.maxBytes} bytes`);
    }
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > this.options.maxBytes) {
        throw new FetchRefusedError(`larger than ${this.options.maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
