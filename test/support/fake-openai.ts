/**
 * A stand-in for the OpenAI API on loopback, reached through the real `openai` SDK (baseURL). Embeddings
 * are deterministic: words and character trigrams hashed into the requested dimensions, so similar texts
 * get similar vectors. Chat completions answer from the first passage of the quoted website content (in a
 * user message), or say CANNOT_ANSWER when asked to (a question containing "unanswerable") or when no
 * passage is given; a test can script the next replies instead (`replyWith`), to play a misbehaving model.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOpenAi {
  readonly baseUrl: string;
  readonly chatRequests: { model: string; messages: { role: string; content: string }[] }[];
  readonly embeddingRequests: { model: string; input: string[]; dimensions?: number }[];
  /** The next `n` requests fail with this status (to exercise the SDK's retries). */
  failNext(n: number, status?: number): void;
  /** The next chat completions answer these texts, in order, whatever they are asked. */
  replyWith(...contents: string[]): void;
  close(): Promise<void>;
}

export function fakeEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const add = (feature: string, weight: number) => {
    const h = createHash('md5').update(feature).digest();
    const bucket = h.readUInt32LE(0) % dimensions;
    v[bucket]! += (h[4]! & 1 ? 1 : -1) * weight;
  };
  for (const w of words) {
    add(`w:${w}`, 1);
    const padded = ` ${w} `;
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.3);
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const chatRequests: FakeOpenAi['chatRequests'] = [];
  const embeddingRequests: FakeOpenAi['embeddingRequests'] = [];
  let failures = 0;
  let failStatus = 500;
  const scripted: string[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== 'Bearer sk-test') {
        return reply(401, {
          error: { message: 'Incorrect API key provided', type: 'invalid_request_error' },
        });
      }
      if (failures > 0) {
        failures--;
        return reply(failStatus, { error: { message: 'The server had an error', type: 'server_error' } });
      }
      const body = JSON.parse(raw || '{}');
      if (req.url === '/v1/embeddings') {
        const input: string[] = Array.isArray(body.input) ? body.input : [body.input];
        embeddingRequests.push({ model: body.model, input, dimensions: body.dimensions });
        const dims = body.dimensions ?? 1536;
        return reply(200, {
          object: 'list',
          model: body.model,
          data: input.map((text, index) => ({
            object: 'embedding',
            index,
            embedding: fakeEmbedding(text, dims),
          })),
          usage: { prompt_tokens: 1, total_tokens: 1 },
        });
      }
      if (req.url === '/v1/chat/completions') {
        chatRequests.push({ model: body.model, messages: body.messages });
        const messages: { role: string; content: string }[] = body.messages;
        const question: string = messages.at(-1)?.content ?? '';
        const quoted = messages.find((m) => m.role === 'user' && m.content.includes('<website_content>'));
        const first = /\[1\] [^\n]*\nURL: (\S+)\n(?:\([^\n]*\)\n)?([^\n]+)/.exec(quoted?.content ?? '');
        const content =
          scripted.shift() ??
          (!first || /unanswerable/i.test(question)
            ? 'CANNOT_ANSWER'
            : `${first[2]!.split(/(?<=\.)\s/)[0]}\n\nSource: ${first[1]}`);
        return reply(200, {
          id: 'chatcmpl-test',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: body.model,
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        });
      }
      reply(404, { error: { message: `no route ${req.url}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    chatRequests,
    embeddingRequests,
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    replyWith(...contents) {
      scripted.push(...contents);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
