/**
 * Exports larger than a download through the local runtime: with EXPORT_SYNC_MAX_ROWS at 100, a
 * 250-recipient campaign's download answers 422 and names the job route; the job writes the same CSV
 * to the exports bucket (fauxqs) and links to it; the file has every recipient, Excel's byte order mark
 * and a hostile cell neutralised; and the job routes answer 404 and 401 as the others do.
 */
import { parse } from 'csv-parse/sync';
import { createCampaign, createTemplate } from '../support/campaign-api';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';

interface ExportJob {
  id: string;
  state: 'running' | 'ready' | 'failed';
  campaignId: string;
  rows?: number;
  bytes?: number;
  url?: string;
  expiresAt?: string;
  filename: string;
  error?: string;
}

describe('export jobs', () => {
  jest.setTimeout(120_000);
  let p: TestPlatform;
  let campaignId: string;
  const phones = Array.from({ length: 250 }, (_, i) => phoneNumber(7000 + i));

  beforeAll(async () => {
    p = await bootPlatform({ EXPORT_SYNC_MAX_ROWS: '100' });
    const templateId = await createTemplate(p, { name: 'welcome', body: 'Hello {{customerName}}!' });
    const campaign = await createCampaign(p, {
      name: 'big',
      templateId,
      recipients: phones.map((phone, i) => ({
        phone,
        variables: { customerName: i === 7 ? '=cmd|"/c calc"!A1' : `Customer ${i}` },
      })),
    });
    campaignId = campaign.id;
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('answers a download over the limit with 422 naming the job route; a filtered one under it downloads', async () => {
    const res = await p.api(`/api/campaigns/${campaignId}/recipients.csv`);
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error).toEqual({
      code: 'too_many_rows',
      message: `250 recipients are more than a download carries (100): POST /api/campaigns/${campaignId}/exports writes the file in the background`,
      details: { rows: 250, maxDownloadRows: 100 },
    });
    const failed = await p.api(`/api/campaigns/${campaignId}/recipients.csv?status=failed`);
    expect(failed.status).toBe(200);
    // No failed recipient: no variable columns either (they come from the recipients exported).
    expect(await failed.text()).toBe(
      'phone,status,errorCode,errorTitle,skipReason,attempts,updatedAt,wamid\r\n',
    );
  });

  it('writes every recipient to a file and links to it', async () => {
    const started = await p.api(`/api/campaigns/${campaignId}/exports`, { method: 'POST' });
    expect(started.status).toBe(202);
    const job = (await started.json()) as ExportJob;
    expect(job).toMatchObject({
      state: 'running',
      campaignId,
      filename: `campaign-${campaignId}-recipients.csv`,
    });
    const ready = await waitFor(async () => {
      const res = await p.api(`/api/exports/${job.id}`);
      expect(res.status).toBe(200);
      const view = (await res.json()) as ExportJob;
      expect(view.state).not.toBe('failed');
      return view.state === 'ready' ? view : undefined;
    }, 30_000);
    expect(ready).toMatchObject({ rows: 250, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) });
    expect(Date.parse(ready.expiresAt!) - Date.now()).toBeGreaterThan(6 * 86_400_000);

    const file = await fetch(ready.url!);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${job.filename}"`);
    const raw = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await file.arrayBuffer());
    expect(Buffer.byteLength(raw)).toBe(ready.bytes);
    expect(raw.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parse(raw, { bom: true }) as string[][];
    expect(header).toEqual([
      'phone',
      'status',
      'customerName',
      'errorCode',
      'errorTitle',
      'skipReason',
      'attempts',
      'updatedAt',
      'wamid',
    ]);
    expect(rows.map((r) => r[0]).sort()).toEqual([...phones].sort());
    expect(rows.every((r) => r[1] === 'queued')).toBe(true);
    const hostile = rows.find((r) => r[0] === phones[7]);
    expect(hostile?.[2]).toBe(`'=cmd|"/c calc"!A1`);
  });

  it('keeps one status when asked, and answers 404 and 401 like the other routes', async () => {
    const started = await p.api(`/api/campaigns/${campaignId}/exports?status=sent`, { method: 'POST' });
    expect(started.status).toBe(202);
    const job = (await started.json()) as ExportJob;
    const ready = await waitFor(async () => {
      const view = (await (await p.api(`/api/exports/${job.id}`)).json()) as ExportJob;
      return view.state === 'ready' ? view : undefined;
    }, 30_000);
    expect(ready.rows).toBe(0);
    expect(ready.filename).toBe(`campaign-${campaignId}-sent-recipients.csv`);

    expect((await p.api('/api/exports/01JUNKNOWN0000000000000000')).status).toBe(404);
    expect((await p.api('/api/campaigns/nope/exports', { method: 'POST' })).status).toBe(404);
    expect(
      (await p.api(`/api/campaigns/${campaignId}/exports?status=bogus`, { method: 'POST' })).status,
    ).toBe(400);
    expect((await fetch(`${p.url}/api/exports/${job.id}`)).status).toBe(401);
    expect((await fetch(`${p.url}/api/campaigns/${campaignId}/exports`, { method: 'POST' })).status).toBe(
      401,
    );
  });
});
