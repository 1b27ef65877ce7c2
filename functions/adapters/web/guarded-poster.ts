/**
 * Posts events to the business's webhook receivers through the same address guard as the crawler: the
 * target's name is resolved and judged at connect time (no private, loopback unless allowed, link-local
 * or metadata addresses), redirects are not followed, every request has a deadline, and only the first
 * bytes of the answer are kept. It never throws for the receiver's sake: every outcome is an answer.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { type AddressPolicy, BlockedAddressError, checkUrl } from '../../domain/knowledge/address-policy';
import type { TargetAnswer } from '../../domain/webhooks/retry';
import { RESPONSE_EXCERPT_BYTES } from '../../domain/webhooks/subscription';
import type { WebhookPoster } from '../../ports';
import { guardedLookup, type Resolver, systemResolve } from './guarded-lookup';

export interface GuardedPosterOptions {
  readonly policy: AddressPolicy;
  readonly timeoutMs: number;
  readonly userAgent: string;
  readonly resolve?: Resolver;
  readonly ca?: string;
}

type Answer = TargetAnswer & { readonly body?: string };

export class GuardedPoster implements WebhookPoster {
  private readonly lookup: LookupFunction;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };

  constructor(private readonly options: GuardedPosterOptions) {
    this.lookup = guardedLookup(options.resolve ?? systemResolve, options.policy);
    // Receivers are few and posted to often: connections are kept (each new one is looked up again).
    this.agents = {
      http: new HttpAgent({ keepAlive: true, maxSockets: 16 }),
      https: new HttpsAgent({ keepAlive: true, maxSockets: 16, ...(options.ca ? { ca: options.ca } : {}) }),
    };
  }

  async post(target: string, body: string, headers: Readonly<Record<string, string>>): Promise<Answer> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return { kind: 'failed', reason: 'blocked', message: `${target} is not a URL`, ms: 0 };
    }
    const refused = checkUrl(url, this.options.policy);
    if (refused) return { kind: 'failed', reason: 'blocked', message: refused, ms: 0 };
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    return new Promise<Answer>((resolve) => {
      const request = send(
        url,
        {
          method: 'POST',
          agent: https ? this.agents.https : this.agents.http,
          lookup: this.lookup,
          signal,
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': this.options.userAgent,
          },
        },
        (response) => {
          excerpt(response).then(
            (text) =>
              resolve({
                kind: 'answered',
                status: response.statusCode ?? 0,
                ...(typeof response.headers['retry-after'] === 'string'
                  ? { retryAfter: response.headers['retry-after'] }
                  : {}),
                ms: ms(),
                ...(text ? { body: text } : {}),
              }),
            () => resolve({ kind: 'answered', status: response.statusCode ?? 0, ms: ms() }),
          );
        },
      );
      request.on('error', (error: Error) => {
        if (error instanceof BlockedAddressError)
          resolve({ kind: 'failed', reason: 'blocked', message: error.message, ms: ms() });
        else if (signal.aborted)
          resolve({
            kind: 'failed',
            reason: 'timeout',
            message: `no answer within ${this.options.timeoutMs} ms`,
            ms: ms(),
          });
        else resolve({ kind: 'failed', reason: 'network', message: error.message, ms: ms() });
      });
      request.end(body);
    });
  }

  destroy(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** The first RESPONSE_EXCERPT_BYTES of the answer (the rest is drained, so the connection can be reused). */
async function excerpt(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
    size += chunk.byteLength;
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8');
}
