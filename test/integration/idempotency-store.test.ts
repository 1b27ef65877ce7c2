import {
  DynamoIdempotencyStore,
  IDEMPOTENCY_LEASE_MS,
  IDEMPOTENCY_TTL_MS,
} from '../../functions/adapters/dynamodb/idempotency-store';
import { documentClient, isolatedConfig } from '../support/aws';

describe('idempotency keys on dynalite', () => {
  let store: DynamoIdempotencyStore;
  const at = (ms: number) => new Date(Date.UTC(2026, 11, 1) + ms);
  const answer = { status: 201, contentType: 'application/json', body: '{"id":"c1"}' };
  beforeAll(async () => {
    const config = await isolatedConfig();
    store = new DynamoIdempotencyStore(documentClient(), config.tables.idempotency);
  });

  it('lets one of two concurrent claims through; the other is told it is in progress', async () => {
    const claims = await Promise.all([store.claim('k1', 'fp', at(0)), store.claim('k1', 'fp', at(0))]);
    expect(claims.map((c) => c.kind).sort()).toEqual(['in_progress', 'new']);
  });

  it('replays a completed answer, and refuses the key for a different request', async () => {
    expect(await store.claim('k2', 'fp', at(0))).toEqual({ kind: 'new' });
    await store.complete('k2', 'fp', answer, at(10));
    expect(await store.claim('k2', 'fp', at(20))).toEqual({ kind: 'replay', answer });
    expect(await store.claim('k2', 'other', at(20))).toEqual({ kind: 'different_request' });
  });

  it('a released key, an abandoned claim after its lease, and an expired key can be claimed again', async () => {
    await store.claim('k3', 'fp', at(0));
    await store.release('k3');
    expect(await store.claim('k3', 'fp', at(1))).toEqual({ kind: 'new' });

    expect(await store.claim('k3', 'fp', at(IDEMPOTENCY_LEASE_MS - 10))).toEqual({ kind: 'in_progress' });
    expect(await store.claim('k3', 'other', at(IDEMPOTENCY_LEASE_MS + 10))).toEqual({
      kind: 'different_request',
    });
    expect(await store.claim('k3', 'fp', at(IDEMPOTENCY_LEASE_MS + 10))).toEqual({ kind: 'new' });

    await store.complete('k3', 'fp', answer, at(0));
    expect(await store.claim('k3', 'other', at(IDEMPOTENCY_TTL_MS + 2000))).toEqual({ kind: 'new' });
  });
});
