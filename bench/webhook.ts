/**
 * `npm run bench -- webhook`: signed status webhooks from a load generator on loopback against the local
 * runtime. Reports acknowledgement latency (p50/p99), sustained status updates per second until every one
 * is applied (none lost), and the platform's CPU per status update. DynamoDB and SQS run in a child process.
 */
import { loadConfig } from '../functions/config';
import { bucketOf, campaignCallbackData } from '../functions/domain/campaign';
import { signPayload } from '../functions/domain/webhook-signature';
import { createLogger } from '../functions/logger';
import { startPlatform } from '../local/platform';
import { isolatedTableEnv } from '../test/support/aws';
import { startBackends } from './send';

const SECRET = 'bench-webhook-secret';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function runWebhookBenchmark(options: { quick?: boolean } = {}) {
  const recipients = options.quick ? 1000 : 5000;
  const perPost = 50;
  const concurrency = 8;
  const b = await startBackends();
  const config = loadConfig({
    ...isolatedTableEnv(),
    PORT: '0',
    WHATSAPP_APP_SECRET: SECRET,
    DEV_SIMULATE_STATUSES: 'false',
    SEND_RATE_PER_SECOND: '1000',
  });
  const platform = await startPlatform({
    config,
    endpoints: b,
    persistent: false,
    logger: createLogger({ level: 'ERROR' }),
    queueSuffix: `-wh-${Date.now()}`,
    print: () => {},
  });
  const auth = { authorization: `Bearer ${platform.apiKey}`, 'content-type': 'application/json' };
  try {
    const template = (await (
      await fetch(`${platform.url}/api/templates`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name: 'wh', body: 'Hi {{n}}' }),
      })
    ).json()) as { id: string };
    const campaign = (await (
      await fetch(`${platform.url}/api/campaigns`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          name: 'wh',
          templateId: template.id,
          recipients: Array.from({ length: recipients }, (_, i) => ({
            phone: `+4915${110000000 + i}`,
            variables: { n: String(i) },
          })),
        }),
      })
    ).json()) as { id: string };
    await fetch(`${platform.url}/api/campaigns/${campaign.id}/start`, { method: 'POST', headers: auth });
    for (;;) {
      const c = (await (
        await fetch(`${platform.url}/api/campaigns/${campaign.id}`, { headers: auth })
      ).json()) as { state: string };
      if (c.state === 'completed') break;
      await sleep(500);
    }
    // The sent recipients' wamids, to build the statuses Meta would send.
    const wamids: { phone: string; wamid: string; bucket: number }[] = [];
    let cursor: string | undefined;
    do {
      const page = (await (
        await fetch(
          `${platform.url}/api/campaigns/${campaign.id}/recipients?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
          { headers: auth },
        )
      ).json()) as { items: { phone: string; wamid: string }[]; nextCursor?: string };
      for (const r of page.items) wamids.push({ phone: r.phone, wamid: r.wamid, bucket: 0 });
      cursor = page.nextCursor;
    } while (cursor);

    const bodies: string[] = [];
    for (const status of ['delivered', 'read']) {
      for (let i = 0; i < wamids.length; i += perPost) {
        const statuses = wamids.slice(i, i + perPost).map((w) => ({
          id: w.wamid,
          status,
          timestamp: String(Math.floor(Date.now() / 1000)),
          recipient_id: w.phone.slice(1),
          // Meta echoes the callback data the platform set on every send.
          biz_opaque_callback_data: campaignCallbackData(campaign.id, bucketOf(w.phone, 1), w.phone),
        }));
        bodies.push(
          JSON.stringify({
            object: 'whatsapp_business_account',
            entry: [
              {
                id: '1',
                changes: [
                  {
                    field: 'messages',
                    value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '1' }, statuses },
                  },
                ],
              },
            ],
          }),
        );
      }
    }
    const statusCount = wamids.length * 2;
    const latencies: number[] = [];
    let next = 0;
    let failures = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]!;
          const t0 = performance.now();
          const res = await fetch(`${platform.url}/api/whatsapp/webhook`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(body, SECRET) },
            body,
          });
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (res.status !== 200) failures += 1;
        }
      }),
    );
    const acked = performance.now();
    let counts = { read: 0, delivered: 0, sent: 0 };
    for (let waited = 0; waited < 600_000; waited += 250) {
      counts = (
        (await (await fetch(`${platform.url}/api/campaigns/${campaign.id}`, { headers: auth })).json()) as {
          counts: typeof counts;
        }
      ).counts;
      if (counts.read === wamids.length) break;
      await sleep(250);
    }
    const applied = performance.now();
    const used = process.cpuUsage(cpu);
    latencies.sort((a, b) => a - b);
    const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
    const result = {
      benchmark: 'webhook',
      at: new Date().toISOString(),
      node: process.version,
      statusUpdates: statusCount,
      posts: bodies.length,
      statusesPerPost: perPost,
      concurrentSenders: concurrency,
      non200: failures,
      ackLatencyMs: {
        p50: round(percentile(latencies, 50)),
        p99: round(percentile(latencies, 99)),
        max: round(latencies.at(-1) ?? 0),
      },
      acknowledgedPerSecond: round(statusCount / ((acked - started) / 1000)),
      appliedPerSecond: round(statusCount / ((applied - started) / 1000)),
      lost: wamids.length - counts.read,
      finalCounts: counts,
      platformCpuMsPerStatusUpdate: round((used.user + used.system) / 1000 / statusCount, 3),
    };
    return {
      ...result,
      summary: [
        `${statusCount} status updates in ${bodies.length} signed POSTs (${perPost} each, ${concurrency} senders)`,
        `ack latency p50 ${result.ackLatencyMs.p50} ms, p99 ${result.ackLatencyMs.p99} ms; non-200: ${failures}`,
        `acknowledged ${result.acknowledgedPerSecond}/s; applied ${result.appliedPerSecond}/s; lost ${result.lost}`,
        `platform CPU ${result.platformCpuMsPerStatusUpdate} ms per status update (webhook + events consumer)`,
      ].join('\n'),
    };
  } finally {
    await platform.stop();
    b.child.kill('SIGTERM');
  }
}
