import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown>;
}

/** What the fake answers: a status and JSON body, or 'hang' to never answer (a timeout). */
export type FakeAnswer = { status: number; body: unknown } | 'hang';

export interface FakeGraphOptions {
  /** Decides the answer per request; by default every send is accepted with a fresh wamid. */
  readonly respond?: (req: GraphRequest, index: number) => FakeAnswer | undefined;
}

/**
 * A stand-in for Meta's Graph API on 127.0.0.1: production code reaches it through its real `fetch`
 * client by pointing WHATSAPP_API_BASE_URL here.
 */
export class FakeGraphServer {
  readonly requests: GraphRequest[] = [];
  private server: Server | undefined;
  private readonly hanging = new Set<import('node:http').ServerResponse>();

  constructor(private readonly options: FakeGraphOptions = {}) {}

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake Graph server is not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const body = await readJson(req);
      const request: GraphRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        authorization: req.headers.authorization,
        body,
      };
      const index = this.requests.push(request) - 1;
      const answer = this.options.respond?.(request, index) ?? accepted(String(body.to ?? ''));
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
