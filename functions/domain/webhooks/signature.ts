/**
 * How the platform signs what it posts to a subscription, and how a receiver checks it:
 *
 *   X-Platform-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=<...>]
 *
 * The key is the subscription's secret, as text. The time is signed with the body, so a captured request
 * cannot be replayed later (receivers refuse a `t` more than a few minutes off). While a rotated secret
 * is still valid (24 hours) every request carries one `v1` per valid secret, newest first, so a receiver
 * holding either secret accepts it and can switch when it likes.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Platform-Signature';
/** How far a signature's time may be from the receiver's clock (the README's snippets use the same). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signatureOf(body: string, secret: string, unixSeconds: number): string {
  return createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
}

/** The header value for a body, signed with each secret given (the current one first). */
export function signatureHeader(body: string, secrets: readonly string[], unixSeconds: number): string {
  return [`t=${unixSeconds}`, ...secrets.map((s) => `v1=${signatureOf(body, s, unixSeconds)}`)].join(',');
}

export function parseSignatureHeader(header: string): { t?: number; v1: string[] } {
  const v1: string[] = [];
  let t: number | undefined;
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) v1.push(value);
  }
  return { ...(t !== undefined ? { t } : {}), v1 };
}

/** True when one of the header's signatures is the body's under `secret`, at a time close to `nowSeconds`. */
export function verifySignature(
  header: string | undefined,
  body: string,
  secret: string,
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  const { t, v1 } = parseSignatureHeader(header);
  if (t === undefined || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signatureOf(body, secret, t), 'hex');
  return v1.some((given) => timingSafeEqual(expected, Buffer.from(given, 'hex')));
}
