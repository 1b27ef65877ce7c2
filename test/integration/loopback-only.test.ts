/**
 * The emulators hold every message and item of the local platform: they must answer on this machine's
 * loopback and nowhere else. fauxqs binds every interface by itself; local/loopback-only.mjs stops it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/**
 * Addresses that reach this machine but are not 127.0.0.1: 127.0.0.2 (all of 127/8 is loopback on Linux,
 * and a server bound to every interface answers there, one bound to 127.0.0.1 does not), and the
 * machine's own network addresses, where it has any.
 */
function otherAddresses(): string[] {
  const own = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal)
    .map((a) => a!.address);
  return ['127.0.0.2', ...own];
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('the emulators listen on loopback only', () => {
  const others = otherAddresses();

  it("the local runtime's dynalite and fauxqs", async () => {
    const script = `
      import { startEmulators } from ${JSON.stringify(join(ROOT, 'local', 'emulators.ts'))};
      const e = await startEmulators(undefined);
      console.log(JSON.stringify([e.dynamodbEndpoint, e.sqsEndpoint]));
      process.stdin.once('data', () => e.stop().then(() => process.exit(0)));`;
    // An ES module file of its own, for the top-level await.
    const file = join(mkdtempSync(join(tmpdir(), 'wa-loopback-')), 'emulators.mts');
    writeFileSync(file, script);
    const child = execFile(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), file], {
      cwd: ROOT,
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => resolve(chunk.toString()));
        let errors = '';
        child.stderr!.on('data', (chunk: Buffer) => {
          errors += chunk.toString();
        });
        child.once('exit', (code) => reject(new Error(`emulators exited with ${code}: ${errors}`)));
      });
      const ports = (JSON.parse(line) as string[]).map((url) => Number(new URL(url).port));
      for (const port of ports) {
        expect({ port, loopback: await reachable('127.0.0.1', port) }).toEqual({ port, loopback: true });
        for (const other of others) {
          expect({ port, other, reachable: await reachable(other, port) }).toEqual({
            port,
            other,
            reachable: false,
          });
        }
      }
    } finally {
      child.stdin!.write('stop\n');
      await new Promise((r) => child.once('exit', r));
    }
  }, 30_000);

  it("the test tiers' own emulators", async () => {
    for (const url of [process.env.TEST_DYNAMODB_ENDPOINT!, process.env.TEST_SQS_ENDPOINT!]) {
      const port = Number(new URL(url).port);
      expect(await reachable('127.0.0.1', port)).toBe(true);
      for (const other of others)
        expect({ other, reachable: await reachable(other, port) }).toEqual({ other, reachable: false });
    }
  });
});
