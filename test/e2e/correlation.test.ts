/** One customer's message followed from the webhook through the events queue to the assistant, by one id. */
import { inboundWebhook } from '../../bin/simulate';
import { createLogger } from '../../functions/logger';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { waitFor } from '../support/wait';

describe('the correlation id travels with the work', () => {
  let p: TestPlatform;
  const lines: Record<string, unknown>[] = [];
  const write = process.stdout.write.bind(process.stdout);
  beforeAll(async () => {
    process.stdout.write = ((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n')) {
        if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      return true;
    }) as typeof process.stdout.write;
    p = await bootPlatform({ ASSISTANT_COALESCE_SECONDS: '0' }, { logger: createLogger({ level: 'INFO' }) });
  });
  afterAll(async () => {
    await p.stop();
    process.stdout.write = write;
  });

  it('from the webhook to the events consumer and the assistant, on every line they log', async () => {
    const res = await fetch(`${p.url}/api/whatsapp/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(inboundWebhook({ from: '+4915110000030', text: 'What are your opening hours?' })),
    });
    const { id } = (await res.json()) as { id: string };
    expect(res.headers.get('x-correlation-id')).toBe(id);
    await waitFor(async () =>
      lines.some((l) => l.message === 'assistant handed the conversation to a person') ? true : undefined,
    );
    const traced = lines.filter((l) => l.correlationId === id).map((l) => l.message);
    expect(traced).toEqual(
      expect.arrayContaining(['inbound message', 'assistant handed the conversation to a person']),
    );
  });

  it('from an API request to the lines of the records it queued', async () => {
    const created = await p.api('/api/campaigns', {
      method: 'POST',
      json: { name: 'x', templateId: 'nope', recipients: [{ phone: '+4915110000031' }] },
      headers: { 'x-correlation-id': 'trace-42' },
    });
    expect(created.headers.get('x-correlation-id')).toBe('trace-42');
    expect(lines.filter((l) => l.correlationId === 'trace-42').map((l) => l.message)).toContain('request');
  });
});
