/**
 * A business's webhook receiver for e2e tests: a node:http server on 127.0.0.1 (a random port) that keeps
 * every request exactly as it arrived (raw body, headers, time) and answers as the test scripts it. The
 * signature check is written here on its own, from the documented format, not with the platform's code.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** Milliseconds since the epoch, when the whole body had arrived. */
  readonly receivedAt: number;
  /** What the script answered: a status, or `hang` (no answer until the caller gave up). */
  answer?: number | 'hang';
}

/** What the script does with one request: answer it (status, headers, body), or leave it hanging. */
export type Reply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  | 'hang';

export type Script = (request: ReceivedRequest, earlier: readonly ReceivedRequest[]) => Reply;

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts a receiver; `script` may be swapped later through `receiver.script`. */
  static async start(script: Script): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = receiver!;
        const request: ReceivedRequest = {
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          rawBody: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        };
        const earlier = r.requests.slice();
        r.requests.push(request);
        let reply: Reply;
        try {
          reply = r.script(request, earlier);
        } catch {
          reply = { status: 599, body: 'the test script threw' };
        }
        if (reply === 'hang') {
          request.answer = 'hang';
          r.hanging.add(res);
          res.on('close', () => r.hanging.delete(res));
          return;
        }
        request.answer = reply.status;
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers });
        res.end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    receiver = new WebhookReceiver(server, (server.address() as AddressInfo).port);
    receiver.script = script;
    return receiver;
  }

  script: Script = () => ({ status: 200 });

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago): connections are refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `t=<unix>,v1=<hex>[,v1=<hex>]`, read strictly: undefined when the header is not in that form. */
export function readSignature(header: string | undefined): { t: number; v1: string[] } | undefined {
  if (!header) return undefined;
  const parts = header.split(',');
  const t = /^t=(\d+)$/.exec(parts[0] ?? '');
  if (!t) return undefined;
  const v1: string[] = [];
  for (const part of parts.slice(1)) {
    const m = /^v1=([0-9a-f]{64})$/.exec(part);
    if (!m) return undefined;
    v1.push(m[1]!);
  }
  return v1.length ? { t: Number(t[1]), v1 } : undefined;
}

/** HMAC-SHA256 of "<t>.<raw body>" with the secret as the key, in hex. */
export function expectedSignature(secret: string, t: number, rawBody: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${t}.${rawBody}`).digest('hex');
}

export function signedBy(signature: string, secret: string, t: number, rawBody: string): boolean {
  const expected = Buffer.from(expectedSignature(secret, t, rawBody), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
