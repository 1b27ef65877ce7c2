/**
 * Meta's per-user marketing limit (131049) as a state, not a failure, through the local runtime (DEV
 * mode, the platform's clock moved by the test): the failed status from Meta's own payload puts the
 * recipient back to queued, waiting a day (counted as waiting, shown held back, not failed); the
 * campaign runs again until then; a day later on the clock it is sent once more and the campaign
 * completes; a second 131049 for the same recipient is a failure.
 */
import { action, allRecipients, createCampaign, createTemplate, getCampaign } from '../support/campaign-api';
import { fixtureJson } from '../support/fixtures';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';
import { postSignedWebhook } from '../support/webhooks';

const SECRET = 'hold-back-secret';

type Payload = { entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[] };

function held(wamid: string, phone: string, at: Date): Payload {
  const payload = fixtureJson<Payload>('28-status-failed-131049-meta-doc.json');
  Object.assign(payload.entry[0]!.changes[0]!.value.statuses[0]!, {
    id: wamid,
    recipient_id: phone.slice(1),
    timestamp: String(Math.floor(at.getTime() / 1000)),
  });
  return payload;
}

describe("Meta's per-user marketing limit (131049)", () => {
  jest.setTimeout(90_000);
  let now = Date.parse('2026-12-01T10:00:00Z');
  const clock = { now: () => new Date(now) };
  let p: TestPlatform;

  beforeAll(async () => {
    p = await bootPlatform(
      { WHATSAPP_APP_SECRET: SECRET, SEND_RATE_PER_SECOND: '200' },
      { clock, schedulerTickMs: 50 },
    );
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('holds the recipient back a day instead of failing it, then sends it once more', async () => {
    const phones = [phoneNumber(9501), phoneNumber(9502)];
    const templateId = await createTemplate(p, { name: 'offer', body: 'Hello {{customerName}}!' });
    const campaign = await createCampaign(p, {
      name: 'held back',
      templateId,
      recipients: phones.map((phone, i) => ({ phone, variables: { customerName: `C${i}` } })),
    });
    expect((await action(p, campaign.id, 'start')).status).toBe(200);
    await waitFor(async () => ((await getCampaign(p, campaign.id)).state === 'completed' ? true : undefined));
    const first = (await allRecipients(p, campaign.id)).find((r) => r.phone === phones[0])!;
    const sends = () => p.printed.filter((l) => l.startsWith(`[DEV] WhatsApp send to ${phones[0]}:`)).length;
    expect(sends()).toBe(1);

    await postSignedWebhook(p.url, held(first.wamid!, phones[0]!, clock.now()), SECRET);
    // Delivered twice, as Meta may: held back once.
    await postSignedWebhook(p.url, held(first.wamid!, phones[0]!, clock.now()), SECRET);
    const waiting = await waitFor(async () => {
      const c = (await getCampaign(p, campaign.id)) as Awaited<ReturnType<typeof getCampaign>> & {
        waiting: number;
      };
      return c.waiting === 1 ? c : undefined;
    });
    expect(waiting).toMatchObject({ state: 'running', counts: { total: 2, queued: 1, sent: 1, failed: 0 } });
    const heldBack = (await allRecipients(p, campaign.id)).find((r) => r.phone === phones[0]) as Record<
      string,
      unknown
    >;
    expect(heldBack).toMatchObject({
      status: 'queued',
      deferReason: 'meta_131049',
      deferredUntil: '2026-12-02T10:05:00.000Z',
      lastError: { code: 131049 },
    });
    expect(heldBack.heldBackAt).toBeDefined();
    const figures = (await (await p.api(`/api/campaigns/${campaign.id}/analytics`)).json()) as Record<
      string,
      unknown
    >;
    expect(figures).toMatchObject({ heldBackByMeta: 1, failed: 0 });

    // Half a day later: still waiting.
    now = Date.parse('2026-12-01T22:00:00Z');
    await new Promise((r) => setTimeout(r, 500));
    expect(sends()).toBe(1);

    // A day later the release sends it once more, and the campaign completes.
    now = Date.parse('2026-12-02T10:06:00Z');
    const done = await waitFor(
      async () => {
        const c = await getCampaign(p, campaign.id);
        return c.state === 'completed' ? c : undefined;
      },
      30_000,
      'the release a day later',
    );
    expect(done.counts).toMatchObject({ total: 2, sent: 2, queued: 0, failed: 0 });
    expect(sends()).toBe(2);

    // Held back again: this time it is a failure (once is all Meta's advice allows).
    const again = (await allRecipients(p, campaign.id)).find((r) => r.phone === phones[0])!;
    expect(again.wamid).not.toBe(first.wamid);
    await postSignedWebhook(p.url, held(again.wamid!, phones[0]!, clock.now()), SECRET);
    const failed = await waitFor(async () => {
      const c = await getCampaign(p, campaign.id);
      return c.counts.failed === 1 ? c : undefined;
    });
    expect(failed.counts).toMatchObject({ sent: 1, failed: 1, queued: 0 });
  });
});
