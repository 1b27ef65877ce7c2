import { apiKeyId, hashApiKey, sameSecret } from '../domain/api-key';
import type { ApiKeyStore } from '../ports';

export interface Caller {
  readonly keyId: string;
  readonly name: string;
}

export type ApiKeyVerifier = (presented: string) => Promise<Caller | undefined>;

/**
 * Checks a bearer key against the stored hashes. The local runtime may also accept DEV_API_KEY,
 * compared in constant time; Lambda never gets a dev key.
 */
export function makeApiKeyVerifier(store: ApiKeyStore, devApiKey?: string): ApiKeyVerifier {
  return async (presented) => {
    if (devApiKey !== undefined && sameSecret(presented, devApiKey))
      return { keyId: 'dev', name: 'DEV_API_KEY' };
    const id = apiKeyId(presented);
    if (!id) return undefined;
    const record = await store.get(id);
    if (!record || record.revokedAt) return undefined;
    return sameSecret(hashApiKey(presented), record.hash)
      ? { keyId: record.id, name: record.name }
      : undefined;
  };
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
