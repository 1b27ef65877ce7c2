import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiKeyId, issueApiKey } from '../functions/domain/api-key';
import type { ApiKeyStore, Clock } from '../functions/ports';

export interface LocalKey {
  readonly key: string;
  readonly source: 'DEV_API_KEY' | 'created' | 'kept';
}

/**
 * The key the banner prints. DEV_API_KEY wins; otherwise a key is issued once and its plaintext kept in
 * the data directory (mode 0600) so the banner can show it again after a restart. The table only ever
 * holds the key's hash. In memory, a fresh key is issued on every start.
 */
export async function ensureLocalApiKey(options: {
  store: ApiKeyStore;
  clock: Clock;
  devApiKey?: string;
  dataDir?: string;
}): Promise<LocalKey> {
  if (options.devApiKey) return { key: options.devApiKey, source: 'DEV_API_KEY' };
  const file = options.dataDir ? join(options.dataDir, 'local-api-key') : undefined;
  if (file) {
    const saved = readSaved(file);
    const id = saved ? apiKeyId(saved) : undefined;
    const record = id ? await options.store.get(id) : undefined;
    if (saved && record && !record.revokedAt) return { key: saved, source: 'kept' };
  }
  const issued = issueApiKey();
  await options.store.put({
    id: issued.id,
    name: 'local runtime',
    hash: issued.hash,
    createdAt: options.clock.now().toISOString(),
  });
  if (file && options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, `${issued.key}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { key: issued.key, source: 'created' };
}

function readSaved(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
