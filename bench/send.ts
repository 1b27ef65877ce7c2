/**
 * `npm run bench -- send [--only=healthy,faulty,fast,crash,pause,launch]`: campaigns through the local runtime in
 * LIVE mode against the rate-limited fake Graph API (in a child process with the emulators). Reports
 * achieved rate against the limit (over the whole run and over the first 90% of recipients), 130429
 * answers, duplicates, the platform's CPU per message, a run with injected faults (5xx, hung requests,
 * permanent errors), recovery from a SIGKILL of `npm start` on its data directory, Graph requests started
 * after a pause was answered, and launch time for 100,000 recipients.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { whatsAppSender } from '../functions/compose/sending';
import { loadConfig } from '../functions/config';
import { createLogger } from '../functions/logger';
import type { WhatsAppSender } from '../functions/ports';
import { startPlatform } from '../local/platform';
import { isolatedTableEnv } from '../test/support/aws';
import { stormScenario } from './send-storm';

export interface Backends {
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
export const BENCH_APP_SECRET = 'bench-app-secret';

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Shares of Graph requests that fail: 5xx answers, requests never answered, permanent errors (per recipient). */
interface Faults {
  fail5xx: number;
  hang: number;
  permanent: number;
}

interface GraphStats {
  accepted: number;
  duplicates: number;
  rateLimited: number;
  requests: number;
  firstAcceptedAt: number;
  lastAcceptedAt: number;
  recipients: number;
  acceptedTimes: number[];
  requestTimes: number[];
  backendCpuMs: number;
  /** DynamoDB requests by operation since the reset, counted at the emulator. */
  dynamoRequests: Record<string, number>;
}

const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);
/** DynamoDB write and read requests per message sent (a batch request counts once, as AWS bills requests). */
function dynamoPerMessage(requests: Record<string, number>, messages: number) {
  const total = (ops: Set<string>) =>
    Object.entries(requests).reduce((n, [op, count]) => n + (ops.has(op) ? count : 0), 0);
  const per = (n: number) => (messages > 0 ? Math.round((n / messages) * 100) / 100 : 0);
  return { writes: per(total(WRITES)), reads: per(total(READS)), byOperation: requests };
}

const graphStats = async (b: Backends) =>
  (await (await fetch(`${b.control}/graph/stats`)).json()) as GraphStats;

const resetGraph = (b: Backends, rate: number, faults?: Faults) =>
  fetch(
    `${b.control}/graph/reset?rate=${rate}${
      faults ? `&fail5xx=${faults.fail5xx}&hang=${faults.hang}&permanent=${faults.permanent}` : ''
    }`,
  );

/**
 * Messages per second from the first acceptance to the one that makes `share` of the recipients: the
 * campaign's pace without the tail of late retries (a timed-out send waits 30 s for its webhook first).
 */
function rateOverFirst(times: readonly number[], recipients: number, share: number): number {
  const n = Math.ceil(recipients * share);
  if (times.length < n || n < 2) return 0;
  const seconds = (times[n - 1]! - times[0]!) / 1000;
  return seconds > 0 ? (n - 1) / seconds : 0;
}

interface ScenarioResult {
  scenario: string;
  recipients: number;
  limitPerSecond: number;
  faults?: Faults;
  achievedPerSecond: number;
  achievedShareOfLimit: number;
  /** From the first acceptance to the acceptance that reached 90% of the recipients. */
  first90PerSecond: number;
  first90ShareOfLimit: number;
  graphRequests: number;
  /** How long answered Graph requests took, as the platform saw them (timeouts left out). */
  graphAnswerMs: { p50: number; p99: number; max: number };
  wallSeconds: number;
  rateLimited130429: number;
  duplicates: number;
  sent: number;
  failed: number;
  /** CPU of the platform process (API, launcher, send workers, SDK clients) per message. */
  cpuMsPerMessage: number;
  /** CPU of the emulators and the fake Graph API per message (what AWS and Meta would carry). */
  backendCpuMsPerMessage: number;
  /** DynamoDB requests per sent message from the start to completion (sending only, no statuses). */
  dynamoPerMessage: ReturnType<typeof dynamoPerMessage>;
}

async function sendScenario(
  b: Backends,
  scenario: string,
  recipients: number,
  rate: number,
  faults?: Faults,
): Promise<ScenarioResult> {
  await resetGraph(b, rate, faults);
  const backendCpuBefore = (await graphStats(b)).backendCpuMs;
  const config = loadConfig({
    ...isolatedTableEnv(),
    PORT: '0',
    WHATSAPP_ACCESS_TOKEN: 'bench-token',
    WHATSAPP_APP_SECRET: 'bench-app-secret',
    WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    WHATSAPP_API_BASE_URL: b.graph,
    SEND_RATE_PER_SECOND: String(rate),
  });
  // The platform's own Graph client, timed: how long WhatsApp (here the fake, on a loaded machine) takes
  // to answer is what the request timeout is chosen from.
  const graph = whatsAppSender(config);
  const answeredMs: number[] = [];
  const whatsapp: WhatsAppSender = {
    async send(message) {
      const started = performance.now();
      const result = await graph.send(message);
      if (result.ok || !result.failure.uncertain) answeredMs.push(performance.now() - started);
      return result;
    },
    markRead: (wamid, options) => graph.markRead(wamid, options),
  };
  const platform = await startPlatform({
    config,
    endpoints: b,
    persistent: false,
    logger: createLogger({ level: 'ERROR' }),
    queueSuffix: `-bench-${Date.now()}`,
    whatsapp,
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
    const dynamoBefore = (await graphStats(b)).dynamoRequests;
    const cpu = process.cpuUsage();
    const started = Date.now();
    await json(await api(`/api/campaigns/${campaign.id}/start`));
    let state = 'running';
    let lastProgress = started;
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
      if (Date.now() - lastProgress > 30_000) {
        lastProgress = Date.now();
        console.error(
          `${scenario}: ${JSON.stringify(counts)} after ${Math.round((lastProgress - started) / 1000)} s`,
        );
      }
      if (Date.now() - started > 15 * 60_000) throw new Error('campaign did not complete within 15 minutes');
    }
    const used = process.cpuUsage(cpu);
    const stats = await graphStats(b);
    const seconds = (stats.lastAcceptedAt - stats.firstAcceptedAt) / 1000;
    const achieved = seconds > 0 ? (stats.accepted - 1) / seconds : stats.accepted;
    const first90 = rateOverFirst(stats.acceptedTimes, recipients, 0.9);
    return {
      scenario,
      recipients,
      limitPerSecond: rate,
      ...(faults ? { faults } : {}),
      achievedPerSecond: round(achieved),
      achievedShareOfLimit: round(achieved / rate, 3),
      first90PerSecond: round(first90),
      first90ShareOfLimit: round(first90 / rate, 3),
      graphRequests: stats.requests,
      graphAnswerMs: percentiles(answeredMs),
      wallSeconds: round((Date.now() - started) / 1000),
      rateLimited130429: stats.rateLimited,
      duplicates: stats.duplicates,
      sent: counts.sent,
      failed: counts.failed,
      cpuMsPerMessage: round((used.user + used.system) / 1000 / recipients, 3),
      backendCpuMsPerMessage: round((stats.backendCpuMs - backendCpuBefore) / recipients, 3),
      dynamoPerMessage: dynamoPerMessage(
        Object.fromEntries(
          Object.entries(stats.dynamoRequests).map(([op, n]) => [op, n - (dynamoBefore[op] ?? 0)]),
        ),
        counts.sent,
      ),
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

function percentiles(values: number[]) {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p99: at(0.99), max: round(sorted.at(-1) ?? 0) };
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** `npm start` in a child process on `dataDir`, in LIVE mode against the fake Graph API. */
async function startLocalPlatform(
  b: Backends,
  dataDir: string,
  rate: number,
  apiKey: string,
  previousPid?: number,
) {
  const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [join(__dirname, '..', 'bin', 'local.ts')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'ERROR',
      DEV_API_KEY: apiKey,
      WHATSAPP_ACCESS_TOKEN: 'bench-token',
      WHATSAPP_APP_SECRET: 'bench-app-secret',
      WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
      WHATSAPP_API_BASE_URL: b.graph,
      SEND_RATE_PER_SECOND: String(rate),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr = (stderr + String(chunk)).slice(-4000);
  });
  const runtime = join(dataDir, 'runtime.json');
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}: ${stderr}`);
    // tsx runs the platform in a node process of its own: that process writes its pid here.
    if (existsSync(runtime)) {
      const info = JSON.parse(readFileSync(runtime, 'utf8')) as { pid: number; url: string };
      if (info.pid !== previousPid) return { child, pid: info.pid, url: info.url };
    }
    if (Date.now() - started > 120_000) throw new Error(`npm start did not come up: ${stderr}`);
    await sleep(50);
  }
}

/**
 * Crash and restart: `npm start` is killed with SIGKILL when half the recipients are accepted and
 * started again on the same data directory. Reports how long after the restart sending resumed and the
 * campaign completed, against the time the rest needs at the limit, and what was sent twice or lost.
 */
async function crashScenario(b: Backends, recipients: number, rate: number) {
  await resetGraph(b, rate);
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-crash-'));
  const apiKey = 'wak_bench_crash_0123456789abcdef';
  let platform = await startLocalPlatform(b, dataDir, rate, apiKey);
  const api = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
    fetch(`${platform.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  try {
    const template = await json<{ id: string }>(
      await api('/api/templates', {
        name: 'crash',
        body: 'Hi {{customerName}}, your order is ready.',
        whatsapp: { name: 'order_ready', language: 'en_US', body: ['customerName'] },
      }),
    );
    const campaign = await json<{ id: string }>(
      await api('/api/campaigns', {
        name: `crash-${recipients}`,
        templateId: template.id,
        recipients: Array.from({ length: recipients }, (_, i) => ({
          phone: phone(i),
          variables: { customerName: `C${i}` },
        })),
      }),
    );
    await json(await api(`/api/campaigns/${campaign.id}/start`, undefined, 'POST'));
    while ((await graphStats(b)).accepted < recipients / 2) await sleep(50);
    process.kill(platform.pid, 'SIGKILL');
    await new Promise((r) => platform.child.once('exit', r));
    const killedAt = Date.now();
    // Requests already on the wire may still be answered after the kill.
    await sleep(200);
    const atKill = (await graphStats(b)).accepted;

    const restartedAt = Date.now();
    platform = await startLocalPlatform(b, dataDir, rate, apiKey, platform.pid);
    const readyAt = Date.now();
    let view: { state: string; counts: Record<string, number> };
    for (;;) {
      view = await json(await api(`/api/campaigns/${campaign.id}`));
      if (view.state === 'completed') break;
      if (Date.now() - restartedAt > 10 * 60_000) throw new Error('campaign did not complete after restart');
      await sleep(250);
    }
    const completedAt = Date.now();
    const stats = await graphStats(b);
    const after = stats.acceptedTimes.filter((t) => t >= restartedAt);
    return {
      scenario: 'crash',
      recipients,
      limitPerSecond: rate,
      acceptedBeforeCrash: atKill,
      restartSeconds: round((readyAt - restartedAt) / 1000),
      downSeconds: round((restartedAt - killedAt) / 1000),
      /** Restart to the first message accepted after it. */
      secondsFromRestartToFirstSend: after.length > 0 ? round((after[0]! - restartedAt) / 1000) : null,
      /** Restart to the last message accepted: includes the jobs the killed process held. */
      secondsFromRestartToLastSend: after.length > 0 ? round((after.at(-1)! - restartedAt) / 1000) : null,
      secondsFromRestartToCompleted: round((completedAt - restartedAt) / 1000),
      /** What the rest would take at the limit with no crash. */
      nominalSecondsForRest: round((recipients - atKill) / rate),
      duplicates: stats.duplicates,
      rateLimited130429: stats.rateLimited,
      sent: view.counts.sent ?? 0,
      failed: view.counts.failed ?? 0,
      /** Recipients WhatsApp never accepted a message for (nothing else fails in this run). */
      lost: recipients - stats.recipients,
    };
  } finally {
    if (platform.child.exitCode === null) {
      const exited = new Promise((r) => platform.child.once('exit', r));
      process.kill(platform.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The local runtime in LIVE mode against the fake Graph API at `rate`, with a POST helper and a campaign
 * of `recipients` numbers on an approved-looking template (the pause and storm scenarios).
 */
export async function liveBenchPlatform(b: Backends, rate: number, name: string) {
  await resetGraph(b, rate);
  const config = loadConfig({
    ...isolatedTableEnv(),
    PORT: '0',
    WHATSAPP_ACCESS_TOKEN: 'bench-token',
    WHATSAPP_APP_SECRET: BENCH_APP_SECRET,
    WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    WHATSAPP_API_BASE_URL: b.graph,
    SEND_RATE_PER_SECOND: String(rate),
  });
  const platform = await startPlatform({
    config,
    endpoints: b,
    persistent: false,
    logger: createLogger({ level: 'ERROR' }),
    queueSuffix: `-${name}-${Date.now()}`,
  });
  const api = async <T = { id: string; state: string }>(path: string, body?: unknown, method = 'POST') =>
    json<T>(
      await fetch(`${platform.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${platform.apiKey}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      }),
    );
  const createCampaign = async (recipients: number) => {
    const template = await api('/api/templates', {
      name,
      body: 'Hi {{customerName}}, your order is ready.',
      whatsapp: { name: 'order_ready', language: 'en_US', body: ['customerName'] },
    });
    return api('/api/campaigns', {
      name: `${name}-${recipients}`,
      templateId: template.id,
      recipients: Array.from({ length: recipients }, (_, i) => ({
        phone: phone(i),
        variables: { customerName: `C${i}` },
      })),
    });
  };
  return { platform, api, createCampaign };
}

/**
 * Pause at 30%: how many Graph requests started after the pause's answer (requests on the wire may
 * finish; none should start), then resume and let the campaign complete.
 */
async function pauseScenario(b: Backends, recipients: number, rate: number) {
  const { platform, api, createCampaign } = await liveBenchPlatform(b, rate, 'pause');
  try {
    const campaign = await createCampaign(recipients);
    await api(`/api/campaigns/${campaign.id}/start`);
    while ((await graphStats(b)).accepted < recipients * 0.3) await sleep(20);
    await api(`/api/campaigns/${campaign.id}/pause`);
    const answeredAt = Date.now();
    await sleep(3000);
    const stats = await graphStats(b);
    const after = stats.requestTimes.filter((t) => t > answeredAt);
    return {
      scenario: 'pause',
      recipients,
      limitPerSecond: rate,
      requestsBeforePause: stats.requestTimes.length - after.length,
      /** Graph requests that reached WhatsApp after the pause was answered (target 0). */
      requestsStartedAfterPause: after.length,
      lastOneMsAfterPause: after.length > 0 ? Math.max(...after) - answeredAt : 0,
    };
  } finally {
    await platform.stop();
  }
}

/** The faulty scenario's mix: 10% answered 5xx, 5% never answered, 2% of recipients permanently failing. */
const FAULTS: Faults = { fail5xx: 0.1, hang: 0.05, permanent: 0.02 };

const SCENARIOS = ['healthy', 'faulty', 'fast', 'crash', 'pause', 'storm', 'launch'] as const;

export async function runSendBenchmark(options: { quick?: boolean; only?: readonly string[] } = {}) {
  const only = new Set(options.only?.length ? options.only : SCENARIOS);
  const b = await startBackends();
  try {
    const scenarios: ScenarioResult[] = [];
    // Each result is printed as it comes (to stderr), so a long run that fails later still shows it.
    const done = <T>(result: T): T => {
      console.error(JSON.stringify(result));
      return result;
    };
    if (only.has('healthy'))
      scenarios.push(done(await sendScenario(b, 'healthy', options.quick ? 400 : 2_000, 80)));
    if (only.has('faulty'))
      scenarios.push(done(await sendScenario(b, 'faulty', options.quick ? 400 : 2_000, 80, FAULTS)));
    if (only.has('fast') && !options.quick)
      scenarios.push(done(await sendScenario(b, 'fast', 20_000, 1_000)));
    const crash = only.has('crash')
      ? done(await crashScenario(b, options.quick ? 400 : 2_000, 80))
      : undefined;
    const pause = only.has('pause')
      ? // At 400/s a gate that answers from a stale read lets requests through (80/s hides it).
        done(await pauseScenario(b, options.quick ? 400 : 2_000, 400))
      : undefined;
    const storm = only.has('storm') ? done(await stormScenario(b, 1_000, 200)) : undefined;
    const launch = only.has('launch') ? await launchScenario(b, options.quick ? 10_000 : 100_000) : undefined;
    const summary = [
      'scenario                    achieved/limit   first 90%      130429  duplicates  platform CPU/msg  backend CPU/msg  DynamoDB writes/reads per msg',
      ...scenarios.map(
        (r) =>
          `${`${r.scenario} ${r.recipients} @ ${r.limitPerSecond}/s`.padEnd(28)}${`${r.achievedPerSecond}/s (${Math.round(r.achievedShareOfLimit * 100)}%)`.padEnd(17)}${`${r.first90PerSecond}/s (${Math.round(r.first90ShareOfLimit * 100)}%)`.padEnd(15)}${String(r.rateLimited130429).padEnd(8)}${String(r.duplicates).padEnd(12)}${`${r.cpuMsPerMessage} ms`.padEnd(18)}${`${r.backendCpuMsPerMessage} ms`.padEnd(17)}${r.dynamoPerMessage.writes} / ${r.dynamoPerMessage.reads}`,
      ),
      ...(crash
        ? [
            `crash ${crash.recipients} @ ${crash.limitPerSecond}/s: killed at ${crash.acceptedBeforeCrash} accepted; after the restart the first send in ${crash.secondsFromRestartToFirstSend} s, the last in ${crash.secondsFromRestartToLastSend} s (the rest needs ${crash.nominalSecondsForRest} s at the limit), completed in ${crash.secondsFromRestartToCompleted} s; ${crash.duplicates} duplicates, ${crash.lost} lost`,
          ]
        : []),
      ...(pause
        ? [
            `pause at 30% of ${pause.recipients} @ ${pause.limitPerSecond}/s: ${pause.requestsStartedAfterPause} Graph requests started after the answer (the last ${pause.lastOneMsAfterPause} ms after it)`,
          ]
        : []),
      ...(storm
        ? [
            `storm ${storm.recipients} recipients, every status ${storm.copiesOfEachStatus}x shuffled: ${storm.samplesNotAddingUp} of ${storm.samples} samples did not add up, ${storm.negativeSamples} had a negative count; ${storm.correctionsAtCompletion} corrections at completion; final ${JSON.stringify(storm.finalCounts)}, recount ${storm.recountAgrees ? 'agrees' : 'DIFFERS'}`,
          ]
        : []),
      ...(launch
        ? [
            `launch ${launch.recipients} recipients: created in ${launch.createSeconds} s, enqueued in ${launch.launchSeconds} s (${launch.enqueuedPerSecond}/s)`,
          ]
        : []),
    ].join('\n');
    return {
      benchmark: 'send',
      at: new Date().toISOString(),
      node: process.version,
      scenarios,
      ...(crash ? { crash } : {}),
      ...(pause ? { pause } : {}),
      ...(storm ? { storm } : {}),
      ...(launch ? { launch } : {}),
      summary,
    };
  } finally {
    b.child.kill('SIGTERM');
  }
}
