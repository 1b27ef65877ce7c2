import { DynamoApiKeyStore } from '../../functions/adapters/dynamodb/api-key-store';
import { DynamoTemplateStore } from '../../functions/adapters/dynamodb/template-store';
import { ConflictError, InvalidCursorError, NotFoundError } from '../../functions/domain/errors';
import type { TemplateDefinition } from '../../functions/domain/template';
import { documentClient, isolatedConfig } from '../support/aws';

const def = (
  name: string,
  body = 'Hello {{customerName}}',
): TemplateDefinition & { variables: string[] } => ({
  name,
  body,
  category: 'utility',
  variables: ['customerName'],
});

describe('DynamoTemplateStore against dynalite', () => {
  const db = documentClient();
  let store: DynamoTemplateStore;
  let keys: DynamoApiKeyStore;

  beforeAll(async () => {
    const config = await isolatedConfig();
    store = new DynamoTemplateStore(db, config.tables.templates);
    keys = new DynamoApiKeyStore(db, config.tables.apiKeys);
  });
  afterAll(() => db.destroy());

  it('creates, reads, replaces and deletes a template', async () => {
    const created = await store.create(def('crud'));
    expect(await store.get(created.id)).toEqual(created);
    const replaced = await store.replace(created.id, def('crud', 'Bye {{customerName}}'));
    expect(replaced).toMatchObject({
      version: 2,
      body: 'Bye {{customerName}}',
      createdAt: created.createdAt,
    });
    await expect(store.replace(created.id, def('crud'), 1)).rejects.toThrow(ConflictError);
    await store.delete(created.id);
    expect(await store.get(created.id)).toBeUndefined();
    await expect(store.delete(created.id)).rejects.toThrow(NotFoundError);
  });

  it('keeps names unique ignoring case, and frees a name on rename and delete', async () => {
    const a = await store.create(def('Unique'));
    await expect(store.create(def('unique'))).rejects.toThrow(ConflictError);
    await store.replace(a.id, def('Renamed'));
    const b = await store.create(def('UNIQUE'));
    await expect(store.replace(b.id, def('renamed'))).rejects.toThrow(ConflictError);
    await store.delete(a.id);
    await expect(store.replace(b.id, def('renamed'))).resolves.toMatchObject({ name: 'renamed' });
  });

  it('lets exactly one of many concurrent creates with the same name win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => store.create(def('race'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof ConflictError)).toHaveLength(
      7,
    );
  });

  it('lists newest first with a cursor that walks every template once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await store.create(def(`page-${i}`))).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor);
    const ours = seen.filter((id) => ids.includes(id));
    expect(ours).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('rejects a cursor it did not issue', async () => {
    await expect(store.list({ limit: 2, cursor: 'garbage!' })).rejects.toThrow(InvalidCursorError);
  });

  it('stores API keys by id and revokes them once', async () => {
    await keys.put({ id: 'abc123def456', name: 'ci', hash: 'h', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(await keys.get('abc123def456')).toEqual({
      id: 'abc123def456',
      name: 'ci',
      hash: 'h',
      createdAt: '2026-01-01T00:00:00.000Z',
    });
    expect(await keys.revoke('abc123def456', '2026-01-02T00:00:00.000Z')).toBe(true);
    expect(await keys.revoke('abc123def456', '2026-01-03T00:00:00.000Z')).toBe(true);
    expect((await keys.get('abc123def456'))?.revokedAt).toBe('2026-01-02T00:00:00.000Z');
    expect(await keys.revoke('missing', 'x')).toBe(false);
    expect((await keys.list()).map((k) => k.id)).toContain('abc123def456');
  });
});
