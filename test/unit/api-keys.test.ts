import { runApiKeyCommand } from '../../bin/api-key';
import { apiKeyId, hashApiKey, issueApiKey } from '../../functions/domain/api-key';
import { bearerToken, makeApiKeyVerifier } from '../../functions/http/auth';
import { MemoryApiKeyStore } from '../support/memory-api-keys';

describe('API keys', () => {
  it('issues keys whose id can be read back and whose hash is SHA-256 of the whole key', () => {
    const a = issueApiKey();
    const b = issueApiKey();
    expect(a.key).not.toBe(b.key);
    expect(apiKeyId(a.key)).toBe(a.id);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(a.key)).toBe(a.hash);
  });

  it('verifies a stored key, and refuses revoked, unknown and tampered keys', async () => {
    const store = new MemoryApiKeyStore();
    const issued = issueApiKey();
    await store.put({ id: issued.id, name: 'ci', hash: issued.hash, createdAt: '2026-01-01T00:00:00Z' });
    const verify = makeApiKeyVerifier(store);
    expect(await verify(issued.key)).toEqual({ kind: 'key', id: issued.id, name: 'ci' });
    expect(await verify(`${issued.key.slice(0, -1)}x`)).toBeUndefined();
    expect(await verify(issueApiKey().key)).toBeUndefined();
    expect(await verify('not-a-key')).toBeUndefined();
    await store.revoke(issued.id, '2026-01-02T00:00:00Z');
    expect(await verify(issued.key)).toBeUndefined();
  });

  it('accepts DEV_API_KEY only when one is configured', async () => {
    const store = new MemoryApiKeyStore();
    expect(await makeApiKeyVerifier(store, 'local-dev-key-123456')('local-dev-key-123456')).toMatchObject({
      kind: 'key',
      id: 'dev',
    });
    expect(await makeApiKeyVerifier(store)('local-dev-key-123456')).toBeUndefined();
  });

  it('reads bearer tokens', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('creates, lists and revokes keys from the command line, storing only the hash', async () => {
    const store = new MemoryApiKeyStore();
    const out: string[] = [];
    expect(await runApiKeyCommand(store, ['create', 'billing', 'service'], (l) => out.push(l))).toBe(0);
    const key = out[1]!;
    const [record] = await store.list();
    expect(record).toMatchObject({ name: 'billing service', hash: hashApiKey(key) });
    expect(JSON.stringify(record)).not.toContain(key);
    out.length = 0;
    await runApiKeyCommand(store, ['list'], (l) => out.push(l));
    expect(out[0]).toMatch(new RegExp(`^${record!.id}  active  created .*  billing service$`));
    expect(await runApiKeyCommand(store, ['revoke', record!.id], () => {})).toBe(0);
    expect((await store.get(record!.id))?.revokedAt).toBeDefined();
    expect(await runApiKeyCommand(store, ['revoke', 'nope'], () => {})).toBe(1);
    expect(await runApiKeyCommand(store, ['create'], () => {})).toBe(2);
    expect(await runApiKeyCommand(store, ['frobnicate'], () => {})).toBe(2);
  });
});
