import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `wak_<id>_<secret>`. The id lets us fetch the one stored record with a
 * consistent read; only the SHA-256 of the whole key is stored, and it is compared in constant time.
 */
export interface IssuedKey {
  readonly id: string;
  readonly key: string;
  readonly hash: string;
}

const KEY_FORMAT = /^wak_([a-z0-9]{12})_([A-Za-z0-9_-]{32,})$/;

export function issueApiKey(): IssuedKey {
  const id = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const key = `wak_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function apiKeyId(key: string): string | undefined {
  return KEY_FORMAT.exec(key)?.[1];
}

export function sameSecret(a: string, b: string): boolean {
  // Hash both sides so the comparison takes the same time whatever their lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}
