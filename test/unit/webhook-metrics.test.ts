import { signPayload } from '../../functions/domain/webhook-signature';
import { createWebhookApp, WEBHOOK_PATH } from '../../functions/http/webhook-app';
import { createLogger } from '../../functions/logger';
import type { WebhookMetrics } from '../../functions/ports';
import { fixtureText } from '../support/fixtures';

/** Records what the webhook counts and when it writes the record, as the EMF adapter would. */
function recordingMetrics() {
  const records: { received: number; signatureFailures: number }[] = [];
  let current = { received: 0, signatureFailures: 0 };
  const metrics: WebhookMetrics = {
    received: (n) => {
      current.received += n;
    },
    signatureFailure: () => {
      current.signatureFailures += 1;
    },

    flush: () => {
      records.push(current);
      current = { received: 0, signatureFailures: 0 };
    },
  };
  return { metrics, records };
}

describe('webhook counts (EMF in Lambda)', () => {
  const secret = 'app-secret';
  const logger = createLogger({ level: 'ERROR' });

  it('counts queued changes and signature failures, one record per request', async () => {
    const { metrics, records } = recordingMetrics();
    const queued: unknown[] = [];
    const app = createWebhookApp({
      appSecret: secret,
      logger,
      metrics,
      events: { enqueue: async (changes) => void queued.push(...changes) },
    });
    const raw = fixtureText('26-multiple-changes-one-entry.json');
    const post = (signature: string) =>
      app.request(WEBHOOK_PATH, {
        method: 'POST',
        body: raw,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
      });

    expect((await post(signPayload(Buffer.from(raw), secret))).status).toBe(200);
    expect((await post('sha256=00')).status).toBe(401);
    expect(records).toEqual([
      { received: queued.length, signatureFailures: 0 },
      { received: 0, signatureFailures: 1 },
    ]);
    expect(queued.length).toBeGreaterThan(1);
  });
});
