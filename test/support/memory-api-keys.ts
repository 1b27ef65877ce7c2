import type { ApiKeyRecord } from '../../functions/domain/api-key';
import type { ApiKeyStore } from '../../functions/ports';

/** In-memory ApiKeyStore for unit tests of code that uses the port. */
export class MemoryApiKeyStore implements ApiKeyStore {
  readonly records = new Map<string, ApiKeyRecord>();
  async put(record: ApiKeyRecord) {
    if (this.records.has(record.id)) throw new Error('exists');
    this.records.set(record.id, record);
  }
  async get(id: string) {
    return this.records.get(id);
  }
  async list() {
    return [...this.records.values()];
  }
  async revoke(id: string, at: string) {
    const r = this.records.get(id);
    if (!r) return false;
    this.records.set(id, { ...r, revokedAt: r.revokedAt ?? at });
    return true;
  }
}
