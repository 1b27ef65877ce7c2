/**
 * `npm run bench -- events [--quick] [--only=pipeline,delivery]`: the business's outbound webhooks through
 * the local runtime, to a receiver on 127.0.0.1 that answers 200 at once and checks every signature.
 *
 * pipeline: signed inbound WhatsApp webhooks (one new customer's text each) posted at a steady rate; each
 *   becomes a message.received event (webhook -> events consumer -> hooks queue -> delivery function), and
 *   the assistant's handoff a conversation.handoff. Reports events delivered per second, latency from the
 *   post to the receiver, duplicates, missing, and the platform's CPU per event for the whole pipeline.
 * delivery: the same events queued straight on the hooks queue, held back by SQS's delay and released at
 *   once, so only the delivery function drains them: its rate and its CPU per event.
 *
 * The receiver and the load generator run in a child process (this file, with CHILD_FLAG), and the
 * emulators in another (bench/backends-child.ts), so the CPU this process measures is the platform's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { inboundWebhook } from '../bin/simulate';
import { loadConfig } from '../functions/config';
import { signPayload } from '../functions/domain/webhook-signature';
import { messageReceivedEvent } from '../functions/domain/webhooks/announce';
import { createLogger } from '../functions/logger';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startPlatform } from '../local/platform';
import { isolatedTableEnv } from '../test/support/aws';
import { type Backends, startBackends } from './send';

const CHILD_FLAG = '--events-child';
const APP_SECRET = 'bench-events-app-secret';
const PHASES = ['pipeline', 'delivery'] as const;
/** Epoch milliseconds with sub-millisecond resolution (one clock for posts and arrivals: the child's). */
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

function percentiles(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0);
  return { p50: at(50), p95: at(95), p99: at(99), max: round(s.at(-1) ?? 0) };
}

// ---------------------------------------------------------------------------------------------------
// The child: receiver and load generator.

interface Arrival {
  id: string;
  type: string;
  /** The event's own `time` field, as epoch ms. */
  time: number;
  wamid?: string;
  at: number;
  /** The signature checked out with the subscription's secret (undefined: no secret known yet). */
  signed?: boolean;
  idHeaderMatches: boolean;
}

interface ProduceResult {
  /** When each webhook was posted, by the wamid it carries. */
  posted: Record<string, number>;
  non200: number;
  firstPostAt: number;
  lastPostAt: number;
  /** How far behind its schedule the generator fell at worst (it keeps the offered rate honest). */
  maxLateMs: number;
  ackMs: ReturnType<typeof percentiles>;
}

function readSignatureHeader(header: string | undefined) {
  const parts = (header ?? '').split(',');
  const t = /^t=(\d+)$/.exec(parts[0] ?? '');
  const v1 = parts
    .slice(1)
    .map((p) => /^v1=([0-9a-f]{64})$/.exec(p)?.[1])
    .filter((v): v is string => !!v);
  return t && v1.length === parts.length - 1 && v1.length > 0 ? { t: Number(t[1]), v1 } : undefined;
}

/** Written from the documented format (HMAC-SHA256 hex of "<t>.<body>"), not with the platform's code. */
function signatureHolds(header: string | undefined, body: string, secret: string): boolean {
  const sig = readSignatureHeader(header);
  if (!sig || Math.abs(Date.now() / 1000 - sig.t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${sig.t}.${body}`).digest();
  return sig.v1.some((v) => timingSafeEqual(expected, Buffer.from(v, 'hex')));
}

async function produce(p: { url: string; count: number; rate: number; tag: string; phoneBase: number }) {
  const posted: Record<string, number> = {};
  const ack: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let non200 = 0;
  let maxLateMs = 0;
  const start = now();
  for (let i = 0; i < p.count; i++) {
    const wait = start + (i * 1000) / p.rate - now();
    if (wait > 1) await sleep(wait);
    else maxLateMs = Math.max(maxLateMs, -wait);
    // A platform that stops answering must not grow this without bound.
    while (inFlight.size >= 256) await Promise.race(inFlight);
    const payload = inboundWebhook({
      from: `+4917${p.phoneBase + i}`,
      text: `Hello, this is question ${i} of the benchmark`,
      name: `Bench ${i}`,
    });
    const wamid = `wamid.SIM${p.tag}${i.toString(16).toUpperCase().padStart(8, '0')}`;
    payload.entry[0]!.changes[0]!.value.messages[0]!.id = wamid;
    const body = JSON.stringify(payload);
    const t0 = now();
    posted[wamid] = t0;
    const post = fetch(`${p.url}/api/whatsapp/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, APP_SECRET) },
      body,
    })
      .then(async (res) => {
        await res.arrayBuffer();
        ack.push(now() - t0);
        if (res.status !== 200) non200 += 1;
      })
      .catch(() => {
        non200 += 1;
      })
      .finally(() => inFlight.delete(post));
    inFlight.add(post);
  }
  await Promise.all(inFlight);
  const times = Object.values(posted);
  return {
    posted,
    non200,
    firstPostAt: Math.min(...times),
    lastPostAt: Math.max(...times),
    maxLateMs: round(maxLateMs),
    ackMs: percentiles(ack),
  } satisfies ProduceResult;
}

async function child() {
  const arrivals: Arrival[] = [];
  let secret: string | undefined;
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = now();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const e = JSON.parse(body) as { id: string; type: string; time: string; data?: { wamid?: string } };
        arrivals.push({
          id: e.id,
          type: e.type,
          time: Date.parse(e.time),
          ...(e.data?.wamid ? { wamid: e.data.wamid } : {}),
          at,
          ...(secret
            ? { signed: signatureHolds(req.headers['x-platform-signature'] as string, body, secret) }
            : {}),
          idHeaderMatches: req.headers['x-platform-event-id'] === e.id,
        });
      } catch {
        arrivals.push({ id: '', type: 'unreadable', time: Number.NaN, at, idHeaderMatches: false });
      }
    });
  });
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (value: unknown) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(value));
      };
      const input = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      if (url.pathname === '/secret') {
        secret = input.secret;
        reply({});
      } else if (url.pathname === '/produce') {
        produce(input).then(reply, (error) => {
          res.statusCode = 500;
          reply({ error: String(error) });
        });
      } else if (url.pathname === '/count') {
        // Distinct message.received events whose wamid has the prefix (cheap: polled while measuring).
        const prefix = url.searchParams.get('prefix') ?? '';
        const ids = new Set<string>();
        for (const a of arrivals) if (a.wamid?.startsWith(prefix)) ids.add(a.id);
        reply({ count: ids.size, total: arrivals.length });
      } else if (url.pathname === '/arrivals') {
        const from = Number(url.searchParams.get('from') ?? 0);
        reply({ arrivals: arrivals.slice(from), cpuMs: cpuMs(process.cpuUsage()) });
      } else if (url.pathname === '/cpu') {
        reply({ cpuMs: cpuMs(process.cpuUsage()) });
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
  });
  const listen = (s: typeof receiver) =>
    new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
  const [receiverPort, controlPort] = [await listen(receiver), await listen(control)];
  process.stdout.write(
    `${JSON.stringify({ receiver: `http://127.0.0.1:${receiverPort}/events`, control: `http://127.0.0.1:${controlPort}` })}\n`,
  );
  // Stops with the parent, whatever happens to it.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}

if (require.main === module && process.argv.includes(CHILD_FLAG)) void child();

// ---------------------------------------------------------------------------------------------------
// The parent: the platform, and the measurements.

interface Child {
  receiver: string;
  control: string;
  process: ChildProcess;
}

async function startChild(): Promise<Child> {
  const tsx = join(__dirname, '..', 'node_modules', '.bin', 'tsx');
  const proc = spawn(tsx, [__filename, CHILD_FLAG], { stdio: ['pipe', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`events child exited with ${code}`)));
  });
  return { ...(JSON.parse(line) as { receiver: string; control: string }), process: proc };
}

async function call<T>(base: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The emulators' process: its CPU, and DynamoDB requests by operation since the last reset. */
const backendStats = (b: Backends) =>
  call<{ backendCpuMs: number; dynamoRequests: Record<string, number> }>(b.control, '/graph/stats');

/** DynamoDB requests per event by operation, as the emulator received them (a batch request counts once). */
function dynamoPerEvent(requests: Record<string, number>, events: number) {
  const per: Record<string, number> = {};
  let total = 0;
  for (const [op, n] of Object.entries(requests).sort()) {
    per[op] = round(n / Math.max(1, events), 2);
    total += n;
  }
  return { total: round(total / Math.max(1, events), 2), ...per };
}

/** Waits until `count` distinct events with the prefix arrived, or the timeout; answers how many did. */
async function arrived(c: Child, prefix: string, count: number, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { count: n } = await call<{ count: number }>(
      c.control,
      `/count?prefix=${encodeURIComponent(prefix)}`,
    );
    if (n >= count || Date.now() > until) return n;
    await sleep(100);
  }
}

/** Waits until no event at all arrived for `ms` (events that follow later, the assistant's handoff say). */
async function settled(c: Child, ms: number): Promise<void> {
  let last = -1;
  let since = performance.now();
  for (;;) {
    const { total } = await call<{ total: number }>(c.control, '/count');
    if (total !== last) [last, since] = [total, performance.now()];
    else if (performance.now() - since >= ms) return;
    await sleep(250);
  }
}

/**
 * Waits until this process's CPU falls back to its idle rate for a whole second (work an event caused
 * after its delivery, the assistant's turn say, belongs to it), 20 s at most. Answers when that was.
 */
async function quiet(idleMsPerSecond: number): Promise<number> {
  const until = performance.now() + 20_000;
  for (;;) {
    const before = process.cpuUsage();
    const t = performance.now();
    await sleep(1000);
    const rate = cpuMs(process.cpuUsage(before)) / ((performance.now() - t) / 1000);
    if (rate <= idleMsPerSecond * 1.5 + 10 || performance.now() > until) return t;
  }
}

interface Measured {
  wallMs: number;
  /** This process (the platform), less the idle pollers' rate over the window. */
  platformCpuMs: number;
  /** The emulators' process, less its idle rate over the window. */
  emulatorCpuMs: number;
  /** The child: the receiver, and in the pipeline the load generator. */
  childCpuMs: number;
  dynamo: Record<string, number>;
}

interface Idle {
  platformMsPerSecond: number;
  emulatorMsPerSecond: number;
}

/** Opens a measuring window; `close` waits for the platform to fall quiet and answers what the window cost. */
async function openWindow(b: Backends, c: Child, idle: Idle) {
  // Zeroes the emulator's DynamoDB request counts (the fake Graph API it also resets is not used here).
  await fetch(`${b.control}/graph/reset`);
  const emulator0 = (await backendStats(b)).backendCpuMs;
  const child0 = (await call<{ cpuMs: number }>(c.control, '/cpu')).cpuMs;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    async close(): Promise<Measured> {
      await quiet(idle.platformMsPerSecond);
      const wallMs = performance.now() - t0;
      const platformCpuMs = cpuMs(process.cpuUsage(cpu0)) - (idle.platformMsPerSecond * wallMs) / 1000;
      const s = await backendStats(b);
      const child = (await call<{ cpuMs: number }>(c.control, '/cpu')).cpuMs;
      return {
        wallMs,
        platformCpuMs,
        emulatorCpuMs: s.backendCpuMs - emulator0 - (idle.emulatorMsPerSecond * wallMs) / 1000,
        childCpuMs: child - child0,
        dynamo: s.dynamoRequests,
      };
    },
  };
}

const arrivalsSince = (c: Child, from: number) =>
  call<{ arrivals: Arrival[] }>(c.control, `/arrivals?from=${from}`).then((r) => r.arrivals);

const checked = (arrivals: Arrival[]) => ({
  checked: arrivals.filter((a) => a.signed !== undefined).length,
  bad: arrivals.filter((a) => a.signed === false).length,
  eventIdHeaderMismatches: arrivals.filter((a) => !a.idHeaderMatches).length,
});

const costs = (m: Measured, events: number) => {
  const per = (ms: number) => round(ms / Math.max(1, events), 3);
  return {
    platformCpuMsPerEvent: per(m.platformCpuMs),
    emulatorCpuMsPerEvent: per(m.emulatorCpuMs),
    dynamoRequestsPerEvent: dynamoPerEvent(m.dynamo, events),
  };
};

async function pipelinePhase(
  platformUrl: string,
  b: Backends,
  c: Child,
  idle: Idle,
  count: number,
  rate: number,
) {
  const before = (await arrivalsSince(c, 0)).length;
  const w = await openWindow(b, c, idle);
  const produced = await call<ProduceResult>(c.control, '/produce', {
    url: platformUrl,
    count,
    rate,
    tag: 'P',
    phoneBase: 600_000_000,
  });
  const arrived_ = await arrived(c, 'wamid.SIMP', count, 60_000);
  // The assistant takes each message up after ASSISTANT_COALESCE_SECONDS (3 s); with nothing to answer
  // from, it hands the customer to a person: a conversation.handoff event that comes later.
  await settled(c, 4000);
  const m = await w.close();
  const all = await arrivalsSince(c, before);
  const mine = all.filter((a) => a.type === 'message.received' && a.wamid?.startsWith('wamid.SIMP'));
  const first = new Map<string, Arrival>();
  for (const a of mine) if (!first.has(a.id)) first.set(a.id, a);
  const delivered = [...first.values()];
  const lastArrival = Math.max(...delivered.map((a) => a.at));
  const allIds = new Set(all.map((a) => a.id));
  const lastOfAll = Math.max(...all.map((a) => a.at));
  const byType: Record<string, number> = {};
  for (const a of all) byType[a.type] = (byType[a.type] ?? 0) + 1;
  return {
    messages: count,
    offeredPerSecond: rate,
    achievedOfferedPerSecond: round((count - 1) / ((produced.lastPostAt - produced.firstPostAt) / 1000)),
    generatorMaxLateMs: produced.maxLateMs,
    webhookNon200: produced.non200,
    webhookAckMs: produced.ackMs,
    delivered: arrived_,
    missing: count - delivered.length,
    duplicates: mine.length - delivered.length,
    /** Every event the messages caused (the assistant hands each new customer to a person, say). */
    arrivalsByType: byType,
    eventsDelivered: allIds.size,
    duplicatesAllTypes: all.length - allIds.size,
    signatures: checked(all),
    /** From the first post to the last arrival: bounded by the offered rate. */
    receivedEventsPerSecond: round(delivered.length / ((lastArrival - produced.firstPostAt) / 1000)),
    allEventsPerSecond: round(allIds.size / ((lastOfAll - produced.firstPostAt) / 1000)),
    latencyFromPostMs: percentiles(delivered.map((a) => a.at - produced.posted[a.wamid!]!)),
    latencyFromEventTimeMs: percentiles(delivered.map((a) => a.at - a.time)),
    windowSeconds: round(m.wallMs / 1000),
    /** Per event of any type; the whole pipeline's cost, shared by the events one message causes. */
    ...costs(m, allIds.size),
    platformCpuMsPerMessage: round(m.platformCpuMs / count, 3),
    generatorAndReceiverCpuMsPerEvent: round(m.childCpuMs / Math.max(1, allIds.size), 3),
  };
}

async function deliveryPhase(
  queueUrl: string,
  sqs: SQSClient,
  b: Backends,
  c: Child,
  idle: Idle,
  count: number,
) {
  const before = (await arrivalsSince(c, 0)).length;
  // Envelopes as the events consumer queues them for an inbound text.
  const bodies = Array.from({ length: count }, (_, i) => {
    const text = `Hello, this is question ${i} of the benchmark`;
    const event = messageReceivedEvent({
      wamid: `wamid.SIMD${i.toString(16).toUpperCase().padStart(8, '0')}`,
      from: `+4917${700_000_000 + i}`,
      profileName: `Bench ${i}`,
      type: 'text',
      text,
      summary: text,
      at: new Date().toISOString(),
    });
    return JSON.stringify({ kind: 'event', event });
  });
  // Every message is held back by the same delay, so they become visible together: a backlog to drain.
  const delaySeconds = 3;
  const queued = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next * 10 < bodies.length) {
        const batch = bodies.slice(next * 10, ++next * 10);
        const out = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((body, i) => ({
              Id: String(i),
              MessageBody: body,
              DelaySeconds: delaySeconds,
            })),
          }),
        );
        if (out.Failed?.length) throw new Error(`queueing: ${JSON.stringify(out.Failed[0])}`);
      }
    }),
  );
  const queueingMs = performance.now() - queued;
  if (queueingMs > delaySeconds * 1000 - 300) throw new Error(`queueing took ${Math.round(queueingMs)} ms`);
  await sleep(queued + delaySeconds * 1000 - performance.now() - 100);
  const w = await openWindow(b, c, idle);
  const releasedAt = now() + 100;
  const arrived_ = await arrived(c, 'wamid.SIMD', count, 60_000);
  const m = await w.close();
  const mine = (await arrivalsSince(c, before)).filter((a) => a.wamid?.startsWith('wamid.SIMD'));
  const ids = new Set(mine.map((a) => a.id));
  const times = mine.map((a) => a.at).sort((x, y) => x - y);
  const last = times.at(-1) ?? releasedAt;
  return {
    events: count,
    delaySeconds,
    /** Queueing all of them took this long, so they became visible over this spread. */
    queueingMs: round(queueingMs),
    delivered: arrived_,
    missing: count - ids.size,
    duplicates: mine.length - ids.size,
    signatures: checked(mine),
    drainedPerSecond: round(ids.size / ((last - releasedAt) / 1000)),
    firstArrivalAfterReleaseMs: round((times[0] ?? releasedAt) - releasedAt),
    lastArrivalAfterReleaseMs: round(last - releasedAt),
    windowSeconds: round(m.wallMs / 1000),
    ...costs(m, ids.size),
    receiverCpuMsPerEvent: round(m.childCpuMs / Math.max(1, ids.size), 3),
  };
}

export async function runEventsBenchmark(o: { quick?: boolean; only?: string[] } = {}) {
  // One local process takes about 15 inbound messages a second at most (each costs ~100 ms of CPU, mostly
  // SDK calls); at a third of that the latency is the pipeline's, not a backlog's or a busy event loop's.
  const pipelineCount = o.quick ? 100 : 600;
  const rate = 5;
  const deliveryCount = o.quick ? 300 : 2_000;
  const only = new Set(o.only?.length ? o.only : PHASES);
  const unknown = [...only].filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`unknown phase ${unknown.join(', ')}: use ${PHASES.join(', ')}`);
  const wall = performance.now();
  const b = await startBackends();
  let c: Child | undefined;
  let platform: Awaited<ReturnType<typeof startPlatform>> | undefined;
  const sqs = new SQSClient({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: b.sqsEndpoint,
  });
  try {
    c = await startChild();
    platform = await startPlatform({
      config: loadConfig({
        ...isolatedTableEnv(),
        PORT: '0',
        WHATSAPP_APP_SECRET: APP_SECRET,
        DEV_SIMULATE_STATUSES: 'false',
        // The receiver is on 127.0.0.1, which the address guard refuses otherwise.
        WEBHOOK_ALLOW_LOOPBACK: 'true',
      }),
      endpoints: b,
      persistent: false,
      logger: createLogger({ level: 'ERROR' }),
      queueSuffix: `-ev-${Date.now()}`,
      print: () => {},
    });
    const res = await fetch(`${platform.url}/api/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: c.receiver, events: ['*'], description: 'events benchmark' }),
    });
    if (res.status !== 201) throw new Error(`subscribing: ${res.status} ${await res.text()}`);
    await call(c.control, '/secret', { secret: ((await res.json()) as { secret: string }).secret });

    // Warm-up (connections, JIT, the publisher's cache of subscriptions), then the idle rates.
    const warm = await call<ProduceResult>(c.control, '/produce', {
      url: platform.url,
      count: 20,
      rate: 10,
      tag: 'W',
      phoneBase: 500_000_000,
    });
    const warmed = await arrived(c, 'wamid.SIMW', 20, 30_000);
    if (warmed < 20) throw new Error(`warm-up: ${warmed} of 20 events arrived (non-200: ${warm.non200})`);
    // The assistant answers a few seconds after a message (ASSISTANT_COALESCE_SECONDS): let that pass.
    await sleep(5000);
    const cpu0 = process.cpuUsage();
    const emulator0 = (await backendStats(b)).backendCpuMs;
    const t0 = performance.now();
    await sleep(3000);
    const seconds = (performance.now() - t0) / 1000;
    const idle: Idle = {
      platformMsPerSecond: cpuMs(process.cpuUsage(cpu0)) / seconds,
      emulatorMsPerSecond: ((await backendStats(b)).backendCpuMs - emulator0) / seconds,
    };

    const pipeline = only.has('pipeline')
      ? await pipelinePhase(platform.url, b, c, idle, pipelineCount, rate)
      : undefined;
    if (pipeline) console.error(JSON.stringify({ pipeline }));
    const delivery = only.has('delivery')
      ? await deliveryPhase(platform.queues.hooks.url, sqs, b, c, idle, deliveryCount)
      : undefined;
    if (delivery) console.error(JSON.stringify({ delivery }));

    const ratio = (a?: number, z?: number) => (a !== undefined && z ? round(a / z, 3) : undefined);
    const shares = {
      platformCpu: ratio(delivery?.platformCpuMsPerEvent, pipeline?.platformCpuMsPerEvent),
      emulatorCpu: ratio(delivery?.emulatorCpuMsPerEvent, pipeline?.emulatorCpuMsPerEvent),
      dynamoRequests: ratio(delivery?.dynamoRequestsPerEvent.total, pipeline?.dynamoRequestsPerEvent.total),
    };
    const result = {
      benchmark: 'events',
      at: new Date().toISOString(),
      node: process.version,
      idleCpuMsPerSecond: {
        platform: round(idle.platformMsPerSecond),
        emulators: round(idle.emulatorMsPerSecond),
      },
      ...(pipeline ? { pipeline } : {}),
      ...(delivery ? { delivery } : {}),
      ...(pipeline && delivery ? { deliveryShareOfPipeline: shares } : {}),
      wallSeconds: round((performance.now() - wall) / 1000),
    };
    const p = pipeline;
    const d = delivery;
    const summary = [
      `CPU figures are per event over the phase's window (until the platform falls quiet), less each process's idle rate (platform ${result.idleCpuMsPerSecond.platform} ms/s, its pollers long-polling empty queues; emulators ${result.idleCpuMsPerSecond.emulators} ms/s)`,
      ...(p
        ? [
            `pipeline: ${p.messages} signed inbound webhooks (a new customer's text each) offered at ${p.offeredPerSecond}/s (achieved ${p.achievedOfferedPerSecond}/s) to a loopback receiver that answers 200 at once`,
            `  message.received delivered ${p.delivered}/${p.messages}, missing ${p.missing}, duplicate ids ${p.duplicates}; ${p.receivedEventsPerSecond}/s from the first post to the last arrival (bounded by the offered rate); webhook non-200: ${p.webhookNon200}`,
            `  every event the messages caused: ${JSON.stringify(p.arrivalsByType)}, ${p.eventsDelivered} distinct (duplicates ${p.duplicatesAllTypes}), ${p.allEventsPerSecond}/s; signatures checked ${p.signatures.checked}, bad ${p.signatures.bad}`,
            `  message.received latency from posting Meta's webhook to the receiver: p50 ${p.latencyFromPostMs.p50} ms, p95 ${p.latencyFromPostMs.p95} ms, p99 ${p.latencyFromPostMs.p99} ms, max ${p.latencyFromPostMs.max} ms`,
            `  from the event's own time field: p50 ${p.latencyFromEventTimeMs.p50} ms, p99 ${p.latencyFromEventTimeMs.p99} ms (that time is Meta's message timestamp, whole seconds, so it reads 0-1000 ms high)`,
            `  platform CPU ${p.platformCpuMsPerEvent} ms per event delivered (${p.platformCpuMsPerMessage} ms per message: webhook, events consumer, assistant and its handoff notice, publisher, delivery); emulators ${p.emulatorCpuMsPerEvent} ms; DynamoDB requests ${p.dynamoRequestsPerEvent.total} per event`,
          ]
        : []),
      ...(d
        ? [
            `delivery: ${d.events} message.received events put on the hooks queue with a ${d.delaySeconds} s delay (queued in ${d.queueingMs} ms), drained by the delivery function alone once visible`,
            `  delivered ${d.delivered}/${d.events}, missing ${d.missing}, duplicates ${d.duplicates}; ${d.drainedPerSecond} events/s from the release to the last arrival (first after ${d.firstArrivalAfterReleaseMs} ms)`,
            `  platform CPU ${d.platformCpuMsPerEvent} ms per event (hooks pollers, delivery function: list, sign, post, record; SQS receive/delete); emulators ${d.emulatorCpuMsPerEvent} ms; DynamoDB requests ${d.dynamoRequestsPerEvent.total}; receiver ${d.receiverCpuMsPerEvent} ms; signatures checked ${d.signatures.checked}, bad ${d.signatures.bad}`,
          ]
        : []),
      ...(p && d
        ? [
            `delivery / whole pipeline, per event (ratios hold better than the figures on a busy machine): platform CPU ${shares.platformCpu}, emulator CPU ${shares.emulatorCpu}, DynamoDB requests ${shares.dynamoRequests}`,
          ]
        : []),
    ].join('\n');
    return { ...result, summary };
  } finally {
    sqs.destroy();
    await platform?.stop();
    c?.process.kill('SIGTERM');
    b.child.kill('SIGTERM');
  }
}
