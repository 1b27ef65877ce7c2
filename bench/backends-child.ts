/**
 * The services a benchmark talks to, in a process of their own: dynalite, fauxqs and the rate-limited
 * fake Graph API. Keeping them out of the benchmark process means the CPU it measures is the platform's.
 * Prints one JSON line with the endpoints; a control server answers
 * /graph/reset?rate=&fail5xx=&hang=&permanent= (fault shares, 0 to 1) and /graph/stats (with the DynamoDB
 * requests by operation since the reset).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulators } from '../local/emulators';
import { type FakeAnswer, FakeGraphServer, type GraphRequest } from '../test/support/fake-graph';

/** Injected faults: each request draws once (5xx, then hung); `permanent` is drawn once per recipient. */
interface Faults {
  fail5xx: number;
  hang: number;
  permanent: number;
}

/** A reproducible draw in [0, 1) for a text: the same recipient and attempt fail the same way every run. */
function draw(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0) / 2 ** 32;
}

function faultyAnswers(faults: Faults) {
  const attempts = new Map<string, number>();
  /** When each request arrived (ms since the epoch): what started after a pause, say. */
  const requestTimes: number[] = [];
  return {
    requestTimes,
    reset: () => {
      attempts.clear();
      requestTimes.length = 0;
    },
    respond(req: GraphRequest): FakeAnswer | undefined {
      requestTimes.push(Date.now());
      const to = String(req.body.to ?? '');
      const n = (attempts.get(to) ?? 0) + 1;
      attempts.set(to, n);
      if (draw(`permanent|${to}`) < faults.permanent) {
        return {
          status: 400,
          body: {
            error: {
              message: '(#131026) Message undeliverable',
              type: 'OAuthException',
              code: 131026,
              error_data: { messaging_product: 'whatsapp', details: 'Unable to deliver message.' },
              fbtrace_id: 'BENCH',
            },
          },
        };
      }
      const u = draw(`attempt|${to}|${n}`);
      if (u < faults.fail5xx) return { status: 500, body: 'upstream failure' };
      if (u < faults.fail5xx + faults.hang) return 'hang';
      return undefined;
    },
  };
}

async function main() {
  const emulators = await startEmulators(undefined);
  const faults: Faults = { fail5xx: 0, hang: 0, permanent: 0 };
  const answers = faultyAnswers(faults);
  // DynamoDB requests by operation, as the emulator receives them: what AWS would bill.
  const dynamo = new Map<string, number>();
  emulators.onDynamoRequest((operation) => dynamo.set(operation, (dynamo.get(operation) ?? 0) + 1));
  const graph = await new FakeGraphServer({ respond: (req) => answers.respond(req) }).start();
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/graph/reset') {
      const rate = url.searchParams.get('rate');
      graph.reset(rate ? Number(rate) : undefined);
      answers.reset();
      dynamo.clear();
      for (const key of ['fail5xx', 'hang', 'permanent'] as const) {
        faults[key] = Number(url.searchParams.get(key) ?? 0);
      }
      res.end('{}');
    } else if (url.pathname === '/graph/stats') {
      res.setHeader('content-type', 'application/json');
      const cpu = process.cpuUsage();
      res.end(
        JSON.stringify({
          ...graph.stats(),
          acceptedTimes: graph.acceptedTimes,
          requestTimes: answers.requestTimes,
          backendCpuMs: (cpu.user + cpu.system) / 1000,
          dynamoRequests: Object.fromEntries(dynamo),
        }),
      );
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  process.stdout.write(
    `${JSON.stringify({
      dynamodbEndpoint: emulators.dynamodbEndpoint,
      sqsEndpoint: emulators.sqsEndpoint,
      graph: graph.baseUrl,
      control: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
    })}\n`,
  );
  const stop = async () => {
    control.close();
    await graph.stop();
    await emulators.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // Stop with the parent, whatever happens to it.
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}

void main();
