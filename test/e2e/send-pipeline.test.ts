import { GraphWhatsAppSender } from '../../functions/adapters/whatsapp/graph-sender';
import type { OutboundMessage } from '../../functions/domain/outbound-message';
import type { SendResult, WhatsAppSender } from '../../functions/ports';
import {
  action,
  allRecipients,
  type CampaignJson,
  createCampaign,
  createTemplate,
  getCampaign,
  waitForState,
} from '../support/campaign-api';
import { type FakeAnswer, FakeGraphServer, type GraphRequest } from '../support/fake-graph';
import { bootPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';

const metaError = (code: number, message: string, details: string, status = 400): FakeAnswer => ({
  status,
  body: {
    error: {
      message: `(#${code}) ${message}`,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details },
      fbtrace_id: 'T',
    },
  },
});

function liveEnv(graph: FakeGraphServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WHATSAPP_ACCESS_TOKEN: 'test-token',
    WHATSAPP_APP_SECRET: 'test-app-secret',
    WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    WHATSAPP_API_BASE_URL: graph.baseUrl,
    WHATSAPP_REQUEST_TIMEOUT_MS: '2000',
    // Short, so a claim left by the crash test comes free soon; a request starts only if it ends (and is
    // recorded) before the claim does, so it is the timeout plus a few seconds.
    SEND_CLAIM_LEASE_SECONDS: '5',
    ...extra,
  };
}

const recipients = (n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => ({
    phone: phoneNumber(offset + i),
    variables: { customerName: `C${offset + i}` },
  }));

/** How many times each recipient's request reached the fake so far. */
function attemptCounter() {
  const seen = new Map<string, number>();
  return (req: GraphRequest) => {
    const to = String(req.body.to);
    const n = (seen.get(to) ?? 0) + 1;
    seen.set(to, n);
    return n;
  };
}

describe('the send pipeline in LIVE mode against a rate-limited fake Graph API', () => {
  jest.setTimeout(200_000);

  it('sends 1,000 recipients through injected faults: all settle, none twice, permanent failures not retried', async () => {
    const attempt = attemptCounter();
    const permanent = new Set<string>();
    const graph = await new FakeGraphServer({
      ratePerSecond: 400,
      respond: (req) => {
        const i = Number(String(req.body.to).slice(-4));
        const n = attempt(req);
        if (i % 50 === 21) {
          permanent.add(String(req.body.to));
          return metaError(131026, 'Message undeliverable', 'Unable to deliver message.');
        }
        if (n === 1 && i % 50 === 7) return { status: 500, body: 'upstream failure' };
        if (n === 1 && i % 50 === 13) return 'hang';
        if (n === 1 && i % 97 === 5) return metaError(131000, 'Something went wrong', 'Unknown error', 500);
        return undefined;
      },
    }).start();
    // Answers that come after the client's timeout are uncertain sends, retried (and so sent twice) by
    // design; on a loaded 2-core machine 2 s is too tight for the fake's answers, so this run allows 4 s.
    const p = await bootPlatform(
      liveEnv(graph, {
        SEND_RATE_PER_SECOND: '400',
        WHATSAPP_REQUEST_TIMEOUT_MS: '4000',
        SEND_CLAIM_LEASE_SECONDS: '12',
      }),
    );
    try {
      const templateId = await createTemplate(p, {
        name: 'update',
        body: 'Hi {{customerName}}, your order is ready.',
        whatsapp: { name: 'order_ready', language: 'en_US', body: ['customerName'] },
      });
      const created = await createCampaign(p, { name: 'big', templateId, recipients: recipients(1000) });
      await action(p, created.id, 'start');
      // The hung first attempts are retried 30 s later (uncertain sends), and the 5xx ones after their
      // backoff: about 80 s on this 2-core machine, so the wait leaves room.
      const done = await waitForState(p, created.id, 'completed', 160_000);

      const expectedPermanent = Array.from({ length: 1000 }, (_, i) => i).filter((i) => i % 50 === 21).length;
      expect(done.counts).toEqual({
        total: 1000,
        queued: 0,
        sent: 1000 - expectedPermanent,
        delivered: 0,
        read: 0,
        failed: expectedPermanent,
        skipped: 0,
      });
      // Counters held exactly: completion found nothing to correct, and a recount agrees.
      expect(done.countCorrections).toBeUndefined();
      const recount = (await (await action(p, created.id, 'recount')).json()) as CampaignJson;
      expect(recount.counts).toEqual(done.counts);

      expect([...graph.accepted.values()].every((n) => n === 1)).toBe(true);
      expect(graph.accepted.size).toBe(1000 - expectedPermanent);
      for (const to of permanent) expect(graph.attemptsFor(to)).toBe(1);
      expect(graph.rateLimited).toBe(0);

      const failed = await allRecipients(p, created.id, 'failed');
      expect(failed).toHaveLength(expectedPermanent);
      expect(failed[0]).toMatchObject({ attempts: 1, retryable: false, lastError: { code: 131026 } });
      // Every request was the Meta template (the window is closed for all of them).
      expect(graph.requests.every((r) => r.body.type === 'template')).toBe(true);
    } finally {
      await p.stop();
      await graph.stop();
    }
  });

  it('pauses the whole campaign on an expired token instead of failing every recipient, and resumes', async () => {
    let tokenValid = false;
    const graph = await new FakeGraphServer({
      respond: () =>
        tokenValid ? undefined : metaError(190, 'Your access token has expired', 'Session has expired', 401),
    }).start();
    const p = await bootPlatform(liveEnv(graph, { SEND_RATE_PER_SECOND: '20' }));
    try {
      const templateId = await createTemplate(p, {
        name: 'promo',
        category: 'marketing',
        body: 'Hi {{customerName}}',
        whatsapp: { name: 'promo', language: 'en', body: ['customerName'] },
      });
      const created = await createCampaign(p, { name: 'auth', templateId, recipients: recipients(50, 3000) });
      await action(p, created.id, 'start');
      const paused = await waitForState(p, created.id, 'paused');
      expect(paused.pauseReason).toMatch(/190/);
      const requestsWhenPaused = graph.requests.length;
      expect(requestsWhenPaused).toBeLessThan(10);
      expect(paused.counts.failed).toBe(0);

      tokenValid = true;
      expect((await action(p, created.id, 'resume')).status).toBe(200);
      const done = await waitForState(p, created.id, 'completed');
      expect(done.counts).toMatchObject({ sent: 50, failed: 0, queued: 0 });
      expect(done.pauseReason).toBeUndefined();
      expect([...graph.accepted.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await p.stop();
      await graph.stop();
    }
  });

  it('pause stops sending and resume continues where it stopped; cancel skips the rest', async () => {
    const graph = await new FakeGraphServer().start();
    const p = await bootPlatform(liveEnv(graph, { SEND_RATE_PER_SECOND: '20' }));
    try {
      const templateId = await createTemplate(p, {
        name: 'slow',
        body: 'Hi {{customerName}}',
        whatsapp: { name: 'slow', language: 'en', body: ['customerName'] },
      });
      const first = await createCampaign(p, { name: 'pause', templateId, recipients: recipients(60, 4000) });
      await action(p, first.id, 'start');
      await waitFor(async () => (graph.accepted.size >= 10 ? true : undefined));
      expect((await action(p, first.id, 'pause')).status).toBe(200);
      // Sends already paced may finish; after that nothing more goes out.
      await new Promise((r) => setTimeout(r, 1000));
      const atPause = graph.accepted.size;
      await new Promise((r) => setTimeout(r, 1500));
      expect(graph.accepted.size).toBe(atPause);
      const paused = await getCampaign(p, first.id);
      expect(paused.state).toBe('paused');
      expect(paused.counts.sent).toBe(atPause);
      expect(paused.counts.queued).toBe(60 - atPause);

      await action(p, first.id, 'resume');
      const done = await waitForState(p, first.id, 'completed');
      expect(done.counts).toMatchObject({ sent: 60, queued: 0 });
      expect(graph.accepted.size).toBe(60);
      expect([...graph.accepted.values()].every((n) => n === 1)).toBe(true);

      const second = await createCampaign(p, {
        name: 'cancel',
        templateId,
        recipients: recipients(60, 5000),
      });
      await action(p, second.id, 'start');
      await waitFor(async () => (graph.accepted.size >= 70 ? true : undefined));
      expect((await action(p, second.id, 'cancel')).status).toBe(200);
      const cancelled = await waitFor(async () => {
        const c = await getCampaign(p, second.id);
        return c.counts.queued === 0 ? c : undefined;
      });
      await new Promise((r) => setTimeout(r, 1000));
      const sentForSecond = graph.accepted.size - 60;
      expect(cancelled.state).toBe('cancelled');
      expect(cancelled.counts.sent + cancelled.counts.skipped).toBe(60);
      expect(cancelled.counts.sent).toBe(sentForSecond);
      expect(cancelled.counts.skipped).toBeGreaterThan(0);
      const skipped = await allRecipients(p, second.id, 'skipped');
      expect(skipped.every((r) => r.skipReason === 'cancelled')).toBe(true);
    } finally {
      await p.stop();
      await graph.stop();
    }
  });

  it('retry re-sends only retryable failures', async () => {
    let healthy = false;
    const graph = await new FakeGraphServer({
      respond: (req) => {
        const i = Number(String(req.body.to).slice(-4));
        if (i % 10 === 1) return metaError(131026, 'Message undeliverable', 'Not on WhatsApp');
        if (i % 10 === 2 && !healthy) return metaError(131000, 'Something went wrong', 'Unknown error', 500);
        return undefined;
      },
    }).start();
    const p = await bootPlatform(liveEnv(graph, { SEND_RATE_PER_SECOND: '100', SEND_MAX_ATTEMPTS: '2' }));
    try {
      const templateId = await createTemplate(p, {
        name: 'retry',
        body: 'Hi {{customerName}}',
        whatsapp: { name: 'retry', language: 'en', body: ['customerName'] },
      });
      const created = await createCampaign(p, {
        name: 'retry',
        templateId,
        recipients: recipients(30, 6000),
      });
      await action(p, created.id, 'start');
      const first = await waitForState(p, created.id, 'completed');
      expect(first.counts).toMatchObject({ sent: 24, failed: 6 });
      const failed = await allRecipients(p, created.id, 'failed');
      const transient = failed.filter((r) => r.retryable);
      expect(transient).toHaveLength(3);
      for (const r of transient) expect(r.attempts).toBe(2);

      healthy = true;
      const retried = await action(p, created.id, 'retry');
      expect(retried.status).toBe(200);
      const done = await waitForState(p, created.id, 'completed');
      expect(done.counts).toMatchObject({ sent: 27, failed: 3, queued: 0 });
      for (const r of failed.filter((f) => !f.retryable)) expect(graph.attemptsFor(r.phone)).toBe(1);
      const again = await action(p, created.id, 'retry');
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ error: { code: 'nothing_to_retry' } });
    } finally {
      await p.stop();
      await graph.stop();
    }
  });

  it('survives a worker crash mid-send: a crash before WhatsApp accepted re-sends once, never twice', async () => {
    const graph = await new FakeGraphServer().start();
    const real = new GraphWhatsAppSender({
      baseUrl: graph.baseUrl,
      apiVersion: 'v25.0',
      phoneNumberId: '106540352242922',
      accessToken: 'test-token',
      timeoutMs: 1000,
    });
    const crashed = new Set<string>();
    // The worker dies after claiming these recipients and before calling WhatsApp: the claim is left
    // behind and the job comes back, as after a Lambda timeout or an out-of-memory kill.
    const crashing: WhatsAppSender = {
      async send(message: OutboundMessage): Promise<SendResult> {
        const i = Number(message.to.slice(-4));
        if (i % 7 === 0 && !crashed.has(message.to)) {
          crashed.add(message.to);
          throw new Error('simulated crash');
        }
        return real.send(message);
      },
      markRead: (wamid, options) => real.markRead(wamid, options),
    };
    const p = await bootPlatform(liveEnv(graph, { SEND_RATE_PER_SECOND: '100' }), { whatsapp: crashing });
    try {
      const templateId = await createTemplate(p, {
        name: 'crash',
        body: 'Hi {{customerName}}',
        whatsapp: { name: 'crash', language: 'en', body: ['customerName'] },
      });
      const created = await createCampaign(p, {
        name: 'crash',
        templateId,
        recipients: recipients(40, 7000),
      });
      await action(p, created.id, 'start');
      const done = await waitForState(p, created.id, 'completed', 60_000);
      expect(crashed.size).toBeGreaterThan(0);
      expect(done.counts).toMatchObject({ sent: 40, queued: 0, failed: 0 });
      expect(graph.accepted.size).toBe(40);
      expect([...graph.accepted.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await p.stop();
      await graph.stop();
    }
  });
});
