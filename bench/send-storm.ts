/**
 * The send benchmark's status storm: a campaign whose every status (sent, delivered, read) Meta delivers
 * three times, shuffled, while it sends, with the campaign sampled every 100 ms. Reports samples whose
 * counts did not add up to the total or had a negative count, corrections at completion, and whether the
 * final counts equal a recount.
 */
import { bucketOf, campaignCallbackData } from '../functions/domain/campaign';
import { signPayload } from '../functions/domain/webhook-signature';
import { type Backends, BENCH_APP_SECRET, liveBenchPlatform } from './send';

const COPIES = 3;
const STATUSES = ['sent', 'delivered', 'read'] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CampaignJson {
  id: string;
  state: string;
  buckets: number;
  countCorrections?: number;
  counts: Record<string, number>;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export async function stormScenario(b: Backends, recipients: number, rate: number) {
  const { platform, api, createCampaign } = await liveBenchPlatform(b, rate, 'storm');
  const get = () => api<CampaignJson>(`/api/campaigns/${campaign.id}`, undefined, 'GET');
  const campaign = await createCampaign(recipients);
  try {
    const { buckets } = await get();
    await api(`/api/campaigns/${campaign.id}/start`);
    const started = Date.now();
    let finished = false;
    let samples = 0;
    let notAddingUp = 0;
    let negative = 0;
    let correctionsAtCompletion: number | undefined;
    const sampler = (async () => {
      while (!finished) {
        const c = await get();
        samples += 1;
        const shown = ['queued', 'sent', 'delivered', 'read', 'failed', 'skipped'].map(
          (s) => c.counts[s] ?? 0,
        );
        if (shown.reduce((a, n) => a + n, 0) !== c.counts.total) notAddingUp += 1;
        if (shown.some((n) => n < 0)) negative += 1;
        if (c.state === 'completed' && correctionsAtCompletion === undefined)
          correctionsAtCompletion = c.countCorrections ?? 0;
        await sleep(100);
      }
    })();

    // Meta's side: every sent message's statuses, three copies each, shuffled, as the sends happen.
    const stormed = new Set<string>();
    const post = async (statuses: object[]) => {
      const body = JSON.stringify({
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
      });
      const res = await fetch(`${platform.url}/api/whatsapp/webhook`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signPayload(body, BENCH_APP_SECRET),
        },
        body,
      });
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    };
    while (stormed.size < recipients && Date.now() - started < 10 * 60_000) {
      const fresh: { phone: string; wamid: string }[] = [];
      let cursor: string | undefined;
      do {
        const page = await api<{ items: { phone: string; wamid?: string }[]; nextCursor?: string }>(
          `/api/campaigns/${campaign.id}/recipients?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
          undefined,
          'GET',
        );
        for (const r of page.items) {
          if (r.wamid && !stormed.has(r.phone)) fresh.push({ phone: r.phone, wamid: r.wamid });
        }
        cursor = page.nextCursor;
      } while (cursor);
      const statuses = shuffle(
        fresh.flatMap((r) =>
          STATUSES.flatMap((status) =>
            Array.from({ length: COPIES }, () => ({
              id: r.wamid,
              status,
              timestamp: String(Math.floor(Date.now() / 1000)),
              recipient_id: r.phone.slice(1),
              biz_opaque_callback_data: campaignCallbackData(
                campaign.id,
                bucketOf(r.phone, buckets),
                r.phone,
              ),
            })),
          ),
        ),
      );
      for (const r of fresh) stormed.add(r.phone);
      const chunks = Array.from({ length: Math.ceil(statuses.length / 50) }, (_, i) =>
        statuses.slice(i * 50, i * 50 + 50),
      );
      for (let i = 0; i < chunks.length; i += 4) await Promise.all(chunks.slice(i, i + 4).map(post));
      await sleep(500);
    }
    let last = await get();
    for (let waited = 0; last.counts.read !== recipients && waited < 120_000; waited += 250) {
      await sleep(250);
      last = await get();
    }
    finished = true;
    await sampler;
    const recount = await api<CampaignJson>(`/api/campaigns/${campaign.id}/recount`);
    return {
      scenario: 'storm',
      recipients,
      limitPerSecond: rate,
      copiesOfEachStatus: COPIES,
      samples,
      samplesNotAddingUp: notAddingUp,
      negativeSamples: negative,
      correctionsAtCompletion: correctionsAtCompletion ?? -1,
      finalCounts: last.counts,
      recountAgrees: JSON.stringify(recount.counts) === JSON.stringify(last.counts),
      finalCorrections: recount.countCorrections ?? 0,
    };
  } finally {
    await platform.stop();
  }
}
