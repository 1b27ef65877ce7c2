/**
 * `npm run bench -- send`: campaigns through the local runtime in LIVE mode against the rate-limited
 * fake Graph API (in a child process with the emulators). Reports achieved rate against the limit,
 * 130429 answers, duplicates, launch time for 100,000 recipients and the platform's CPU per message.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '../functions/config';
import { createLogger } from '../functions/logger';
import { startPlatform } from '../local/platform';
import { isolatedTableEnv } from '../test/support/aws';

interface Backends {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  graph: string;
  control: string;
  child: ChildProcess;
}

export async function startBackends(): Promise<Backends> {
  const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [join(__dirname, 'backends-child.ts')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`backends exited with ${code}`)));
  });
  return { ...(JSON.parse(line) as Omit<Backends, 'child'>), child };
}

const phone = (i: number) => `+4915${110000000 + i}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface ScenarioResult {
  recipients: number;
  limitPerSecond: number;
  achievedPerSecond: number;
  achievedShareOfLimit: number;
  wallSeconds: number;
  rateLimited130429: number;
  duplicates: number;
  sent: number;
  failed: number;
  /** CPU of the platform process (API, launcher, send workers, SDK clients) per message. */
  cpuMsPerMessage: number;
  /** CPU of the emulators and the fake Graph API per message (what AWS and Meta would carry). */
  backendCpuMsPerMessage: number;
}

async function sendScenario(b: Backends, recipients: number, rate: number): Promise<ScenarioResult> {
  await fetch(`${b.control}/graph/reset?rate=${rate}`);
  const backendCpuBefore = (
    (await (await fetch(`${b.control}/graph/stats`)).json()) as { backendCpuMs: number }
  ).backendCpuMs;
  const config = loadConfig({
    ...isolatedTableEnv(),
    PORT: '0',
    WHATSAPP_ACCESS_TOKEN: 'bench-token',
    WHATSAPP_APP_SECRET: 'bench-app-secret',
    WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    WHATSAPP_API_BASE_URL: b.graph,
    SEND_RATE_PER_SECOND: String(rate),
  });
  const platform = await startPlatform({
    config,
    endpoints: b,
    persistent: false,
    logger: createLogger({ level: 'ERROR' }),
    queueSuffix: `-bench-${Date.now()}`,
  });
  const api = (path: string, body?: unknown) =>
    fetch(`${platform.url}${path}`, {
      method: body === undefined ? 'POST' : 'POST',
      headers: {
        authorization: `Bearer ${platform.apiKey}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  try {
    const template = await json<{ id: string }>(
      await api('/api/templates', {
        name: 'bench',
        body: 'Hi {{customerName}}, your order is ready.',
        whatsapp: { name: 'order_ready', language: 'en_US', body: ['customerName'] },
      }),
    );
    const campaign = await json<{ id: string }>(
      await api('/api/campaigns', {
        name: `bench-${recipients}`,
        templateId: template.id,
        recipients: Array.from({ length: recipients }, (_, i) => ({
          phone: phone(i),
          variables: { customerName: `C${i}` },
        })),
      }),
    );
    const cpu = process.cpuUsage();
    const started = Date.now();
    await json(await api(`/api/campaigns/${campaign.id}/start`));
    let state = 'running';
    let counts = { sent: 0, failed: 0 };
    while (state !== 'completed') {
      await sleep(500);
      const c = await json<{ state: string; counts: typeof counts }>(
        await fetch(`${platform.url}/api/campaigns/${campaign.id}`, {
          headers: { authorization: `Bearer ${platform.apiKey}` },
        }),
      );
      state = c.state;
      counts = c.counts;
      if (Date.now() - started > 15 * 60_000) throw new Error('campaign did not complete within 15 minutes');
    }
    const used = process.cpuUsage(cpu);
    const stats = (await (await fetch(`${b.control}/graph/stats`)).json()) as {
      accepted: number;
      duplicates: number;
      rateLimited: number;
      firstAcceptedAt: number;
      lastAcceptedAt: number;
      backendCpuMs: number;
    };
    const seconds = (stats.lastAcceptedAt - stats.firstAcceptedAt) / 1000;
    const achieved = seconds > 0 ? (stats.accepted - 1) / seconds : stats.accepted;
    return {
      recipients,
      limitPerSecond: rate,
      achievedPerSecond: round(achieved),
      achievedShareOfLimit: round(achieved / rate, 3),
      wallSeconds: round((Date.now() - started) / 1000),
      rateLimited130429: stats.rateLimited,
      duplicates: stats.duplicates,
      sent: counts.sent,
      failed: counts.failed,
      cpuMsPerMessage: round((used.user + used.system) / 1000 / recipients, 3),
      backendCpuMsPerMessage: round((stats.backendCpuMs - backendCpuBefore) / recipients, 3),
    };
  } finally {
    await platform.stop();
  }
}

async function launchScenario(b: Backends, recipients: number) {
  const config = loadConfig({ ...isolatedTableEnv(), PORT: '0', LOG_LEVEL: 'ERROR' });
  const platform = await startPlatform({
    config,
    endpoints: b,
    persistent: false,
    logger: createLogger({ level: 'ERROR' }),
    queueSuffix: `-launch-${Date.now()}`,
    sendWorkers: false,
  });
  try {
    const { deps } = platform;
    const template = await deps.templates.create({
      name: 'launch',
      body: 'Hi {{customerName}}',
      category: 'utility',
      variables: ['customerName'],
    });
    const createStarted = performance.now();
    const view = await deps.campaignService.create({
      name: 'launch',
      templateId: template.id,
      rows: Array.from({ length: recipients }, (_, i) => ({
        row: i + 1,
        input: { phone: phone(i), variables: { customerName: `C${i}` } },
      })),
    });
    const createSeconds = (performance.now() - createStarted) / 1000;
    const launchStarted = performance.now();
    const running = await deps.campaignService.start(view.id);
    for (;;) {
      const checkpoint = await deps.campaigns.checkpoint(view.id);
      if (checkpoint?.done && checkpoint.gen === running.gen) break;
      await sleep(100);
    }
    const launchSeconds = (performance.now() - launchStarted) / 1000;
    return {
      recipients,
      createSeconds: round(createSeconds),
      launchSeconds: round(launchSeconds),
      enqueuedPerSecond: round(recipients / launchSeconds),
    };
  } finally {
    await platform.stop();
  }
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export async function runSendBenchmark(options: { quick?: boolean } = {}) {
  const b = await startBackends();
  try {
    const scenarios = options.quick
      ? [await sendScenario(b, 400, 80)]
      : [await sendScenario(b, 2_000, 80), await sendScenario(b, 20_000, 1_000)];
    const launch = await launchScenario(b, options.quick ? 10_000 : 100_000);
    const summary = [
      'scenario            achieved/limit      130429  duplicates  platform CPU/msg  backend CPU/msg',
      ...scenarios.map(
        (r) =>
          `${`${r.recipients} @ ${r.limitPerSecond}/s`.padEnd(20)}${`${r.achievedPerSecond}/s (${Math.round(r.achievedShareOfLimit * 100)}%)`.padEnd(20)}${String(r.rateLimited130429).padEnd(8)}${String(r.duplicates).padEnd(12)}${`${r.cpuMsPerMessage} ms`.padEnd(18)}${r.backendCpuMsPerMessage} ms`,
      ),
      `launch ${launch.recipients} recipients: created in ${launch.createSeconds} s, enqueued in ${launch.launchSeconds} s (${launch.enqueuedPerSecond}/s)`,
    ].join('\n');
    return {
      benchmark: 'send',
      at: new Date().toISOString(),
      node: process.version,
      scenarios,
      launch,
      summary,
    };
  } finally {
    b.child.kill('SIGTERM');
  }
}
