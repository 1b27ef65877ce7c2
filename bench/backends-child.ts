/**
 * The services a benchmark talks to, in a process of their own: dynalite, fauxqs and the rate-limited
 * fake Graph API. Keeping them out of the benchmark process means the CPU it measures is the platform's.
 * Prints one JSON line with the endpoints; a control server answers /graph/reset?rate= and /graph/stats.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulators } from '../local/emulators';
import { FakeGraphServer } from '../test/support/fake-graph';

async function main() {
  const emulators = await startEmulators(undefined);
  const graph = await new FakeGraphServer().start();
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/graph/reset') {
      const rate = url.searchParams.get('rate');
      graph.reset(rate ? Number(rate) : undefined);
      res.end('{}');
    } else if (url.pathname === '/graph/stats') {
      res.setHeader('content-type', 'application/json');
      const cpu = process.cpuUsage();
      res.end(JSON.stringify({ ...graph.stats(), backendCpuMs: (cpu.user + cpu.system) / 1000 }));
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
