import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
  readonly key: string;
  output(): string;
}

/** Starts `bin/local.ts` as `npm start` does and waits for its banner. */
function startLocal(env: Record<string, string>, args: string[] = []): Promise<Running> {
  const child = spawn(TSX, ['bin/local.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'WARN', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 20 s:\n${out}`)), 20_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /API\s+(http:\/\/\S+)\/api\s/.exec(out)?.[1];
      const key = /API key\s+(\S+)/.exec(out)?.[1];
      if (url && key) {
        clearTimeout(timer);
        resolve({ child, url, key, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before the banner:\n${out}`));
    });
  });
}

function stop(running: Running): Promise<number | null> {
  return new Promise((resolve) => {
    running.child.removeAllListeners('exit');
    running.child.once('exit', (code) => resolve(code));
    running.child.kill('SIGINT');
  });
}

function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return runTsx(['bin/local.ts', '--in-memory'], env);
}

function runTsx(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(TSX, args, { cwd: ROOT, env: { ...process.env, ...env } });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

const json = (key: string, body?: unknown): RequestInit => ({
  method: body === undefined ? 'GET' : 'POST',
  headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

describe('npm start (bin/local.ts as a child process)', () => {
  jest.setTimeout(90_000);

  it('keeps templates and the API key across a restart, and shuts down cleanly on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wa-data-'));
    const first = await startLocal({ DATA_DIR: dataDir });
    expect(first.output()).toContain('Mode       DEV');
    expect(first.output()).toContain(dataDir);
    expect(first.output()).toMatch(/Webhook\s+http:\/\/localhost:\d+\/api\/whatsapp\/webhook/);
    const created = await fetch(
      `${first.url}/api/templates`,
      json(first.key, { name: 'kept', body: 'Hi {{customerName}}' }),
    );
    expect(created.status).toBe(201);
    expect(await stop(first)).toBe(0);
    expect(first.output()).toContain('Stopped cleanly.');

    const second = await startLocal({ DATA_DIR: dataDir });
    try {
      expect(second.key).toBe(first.key);
      const list = (await (await fetch(`${second.url}/api/templates`, json(second.key))).json()) as {
        items: { name: string }[];
      };
      expect(list.items.map((t) => t.name)).toEqual(['kept']);

      // `npm run api-key` while the platform runs: it works through the running emulators.
      const created = await runTsx(['bin/api-key.ts', 'create', 'ci job'], { DATA_DIR: dataDir });
      expect(created.output).not.toMatch(/Database is closed|Error:/);
      expect(created.code).toBe(0);
      const newKey = created.output.trim().split('\n').pop()!;
      expect((await fetch(`${second.url}/api/templates`, json(newKey))).status).toBe(200);
    } finally {
      await stop(second);
    }
  });

  it('--in-memory starts empty with a fresh key each time', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wa-data-'));
    const a = await startLocal({ DATA_DIR: dataDir }, ['--in-memory']);
    await fetch(`${a.url}/api/templates`, json(a.key, { name: 'gone', body: 'x' }));
    expect(a.output()).toContain('in memory');
    await stop(a);
    const b = await startLocal({ DATA_DIR: dataDir }, ['--in-memory']);
    try {
      expect(b.key).not.toBe(a.key);
      const list = (await (await fetch(`${b.url}/api/templates`, json(b.key))).json()) as {
        items: unknown[];
      };
      expect(list.items).toEqual([]);
    } finally {
      await stop(b);
    }
  });

  it('accepts DEV_API_KEY as the key', async () => {
    const r = await startLocal({ DEV_API_KEY: 'my-local-dev-key-0001' }, ['--in-memory']);
    try {
      expect(r.key).toBe('my-local-dev-key-0001');
      expect((await fetch(`${r.url}/api/templates`, json('my-local-dev-key-0001'))).status).toBe(200);
    } finally {
      await stop(r);
    }
  });

  it('stops at start-up with one line naming a bad variable', async () => {
    const { code, output } = await run({ PORT: 'abc' });
    expect(code).toBe(1);
    expect(output).toContain('PORT must be a port number from 0 to 65535 (got "abc")');
    const half = await run({ WHATSAPP_ACCESS_TOKEN: 'EAAG-secret', PORT: '0' });
    expect(half.code).toBe(1);
    expect(half.output).toContain('WHATSAPP_PHONE_NUMBER_ID must be set when WHATSAPP_ACCESS_TOKEN is set');
    expect(half.output).not.toContain('EAAG-secret');
  });
});
