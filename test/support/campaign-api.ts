import type { TestPlatform } from './platform';
import { waitFor } from './wait';

export interface CampaignJson {
  id: string;
  state: string;
  counts: Record<'total' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | 'skipped', number>;
  pauseReason?: string;
  countCorrections?: number;
  duplicatesMerged?: number;
  template: { id: string; version: number };
}

export async function createTemplate(p: TestPlatform, body: Record<string, unknown>): Promise<string> {
  const res = await p.api('/api/templates', { method: 'POST', json: body });
  if (res.status !== 201) throw new Error(`template: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function createCampaign(p: TestPlatform, body: Record<string, unknown>): Promise<CampaignJson> {
  const res = await p.api('/api/campaigns', { method: 'POST', json: body });
  if (res.status !== 201) throw new Error(`campaign: ${res.status} ${await res.text()}`);
  return (await res.json()) as CampaignJson;
}

export async function getCampaign(p: TestPlatform, id: string): Promise<CampaignJson> {
  return (await (await p.api(`/api/campaigns/${id}`)).json()) as CampaignJson;
}

export async function action(p: TestPlatform, id: string, name: string): Promise<Response> {
  return p.api(`/api/campaigns/${id}/${name}`, { method: 'POST' });
}

export function waitForState(
  p: TestPlatform,
  id: string,
  state: string,
  timeoutMs = 30_000,
): Promise<CampaignJson> {
  return waitFor(
    async () => {
      const c = await getCampaign(p, id);
      return c.state === state ? c : undefined;
    },
    timeoutMs,
    `campaign ${id} to be ${state}`,
  );
}

export async function allRecipients(p: TestPlatform, id: string, status?: string) {
  const items: {
    phone: string;
    status: string;
    attempts: number;
    wamid?: string;
    lastError?: { code: unknown; message?: string };
    retryable?: boolean;
    skipReason?: string;
    sentAt?: string;
  }[] = [];
  let cursor: string | undefined;
  do {
    const q = new URLSearchParams({
      limit: '100',
      ...(cursor ? { cursor } : {}),
      ...(status ? { status } : {}),
    });
    const page = (await (await p.api(`/api/campaigns/${id}/recipients?${q}`)).json()) as {
      items: typeof items;
      nextCursor?: string;
    };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}
