/** Posting a webhook to a running platform as Meta does: the raw body, signed with the app secret. */
import { signPayload } from '../../functions/domain/webhook-signature';

/** Posts `body` (an object, or the exact raw text to sign) and expects the platform to take it (200). */
export async function postSignedWebhook(baseUrl: string, body: unknown, secret: string): Promise<void> {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${baseUrl}/api/whatsapp/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signPayload(raw, secret) },
    body: raw,
  });
  expect(res.status).toBe(200);
}
