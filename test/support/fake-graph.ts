import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGraphMedia } from './fake-graph-media';
import { FakeGraphTemplates } from './fake-graph-templates';

export interface GraphRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown>;
}

/** What the fake answers: a status and JSON body, or 'hang' to never answer (a timeout). */
export type FakeAnswer = { status: number; body: unknown } | 'hang';

export interface FakeGraphOptions {
  /** Decides the answer per request; undefined falls through to the throughput limit, then acceptance. */
  readonly respond?: (req: GraphRequest, index: number) => FakeAnswer | undefined;
  /** Meta's throughput limit as a token bucket: over it, the answer is error 130429. */
  readonly ratePerSecond?: number;
  /** Bucket size; one second's worth by default. */
  readonly burst?: number;
}

/** Meta's documented 130429 body. */
export const RATE_LIMIT_BODY = {
  error: {
    message: '(#130429) Rate limit hit',
    type: 'OAuthException',
    code: 130429,
    error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' },
    error_subcode: 2494055,
    fbtrace_id: 'Az8or2yhqkZfEZ-_4Qn_Bam',
  },
};

/**
 * A stand-in for Meta's Graph API on 127.0.0.1: production code reaches it through its real `fetch`
 * client by pointing WHATSAPP_API_BASE_URL here.
 */
export class FakeGraphServer {
  readonly requests: GraphRequest[] = [];
  /** Messages accepted (200 with a wamid) per recipient: more than one means a duplicate send. */
  readonly accepted = new Map<string, number>();
  rateLimited = 0;
  firstAcceptedAt: number | undefined;
  lastAcceptedAt: number | undefined;
  /** When each message was accepted (ms since the epoch), in order: benchmarks read rates off it. */
  readonly acceptedTimes: number[] = [];
  private tokens: number;
  private rate: number | undefined;
  private refilledAt = performance.now();
  private server: Server | undefined;
  /** Media served and uploads received (test/support/fake-graph-media.ts). */
  readonly media = new FakeGraphMedia(() => this.baseUrl);
  /** The account's message templates: list (paged) and create (test/support/fake-graph-templates.ts). */
  readonly templates = new FakeGraphTemplates(() => this.baseUrl);
  private readonly hanging = new Set<import('node:http').ServerResponse>();

  constructor(private readonly options: FakeGraphOptions = {}) {
    this.rate = options.ratePerSecond;
    this.tokens = options.burst ?? options.ratePerSecond ?? 0;
  }

  /** Clears the counters and sets a new throughput limit (benchmarks run several scenarios). */
  reset(ratePerSecond?: number): void {
    this.requests.length = 0;
    this.accepted.clear();
    this.rateLimited = 0;
    this.firstAcceptedAt = undefined;
    this.lastAcceptedAt = undefined;
    this.acceptedTimes.length = 0;
    this.rate = ratePerSecond;
    this.tokens = ratePerSecond ?? 0;
    this.refilledAt = performance.now();
  }

  stats() {
    const counts = [...this.accepted.values()];
    return {
      requests: this.requests.length,
      accepted: counts.reduce((a, b) => a + b, 0),
      recipients: counts.length,
      duplicates: counts.filter((n) => n > 1).reduce((a, n) => a + n - 1, 0),
      rateLimited: this.rateLimited,
      firstAcceptedAt: this.firstAcceptedAt,
      lastAcceptedAt: this.lastAcceptedAt,
    };
  }

  /** Requests that reached the fake, per recipient. */
  attemptsFor(to: string): number {
    return this.requests.filter((r) => r.body.to === to).length;
  }

  private takeToken(): boolean {
    const rate = this.rate;
    if (!rate) return true;
    const now = performance.now();
    const burst = this.options.burst ?? rate;
    this.tokens = Math.min(burst, this.tokens + ((now - this.refilledAt) / 1000) * rate);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake Graph server is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      // Media lookups, downloads and uploads are answered apart: they are not message sends.
      if (await this.media.handle(req, res)) return;
      // Template management is answered apart too: it is not a message send.
      if (await this.templates.handle(req, res)) return;
      const body = await readJson(req);
      const request: GraphRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        authorization: req.headers.authorization,
        body,
      };
      const index = this.requests.push(request) - 1;
      let answer = this.options.respond?.(request, index);
      if (!answer) {
        if (this.takeToken()) {
          answer = accepted(String(body.to ?? ''));
        } else {
          this.rateLimited += 1;
          answer = { status: 400, body: RATE_LIMIT_BODY };
        }
      }
      if (answer !== 'hang' && answer.status === 200) {
        const to = String(body.to ?? '');
        this.accepted.set(to, (this.accepted.get(to) ?? 0) + 1);
        const now = Date.now();
        this.firstAcceptedAt ??= now;
        this.lastAcceptedAt = now;
        this.acceptedTimes.push(now);
      }
      if (answer === 'hang') {
        this.hanging.add(res);
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Meta's success body for one accepted message. */
export function accepted(to: string): FakeAnswer {
  const wamid = `wamid.FAKE${randomBytes(10).toString('hex').toUpperCase()}`;
  return {
    status: 200,
    body: {
      messaging_product: 'whatsapp',
      contacts: [{ input: to, wa_id: to.replace(/^\+/, '') }],
      messages: [{ id: wamid }],
    },
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
