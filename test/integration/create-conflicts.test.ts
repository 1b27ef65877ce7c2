/** Creating an item whose id exists already is a ConflictError (409 at the API), never a silent overwrite. */
import { DynamoApiKeyStore } from '../../functions/adapters/dynamodb/api-key-store';
import { DynamoKnowledgeStore } from '../../functions/adapters/dynamodb/knowledge-store';
import { DynamoListStore } from '../../functions/adapters/dynamodb/list-store';
import { ConflictError } from '../../functions/domain/errors';
import { newSource } from '../../functions/domain/knowledge/source';
import { documentClient, isolatedConfig } from '../support/aws';

describe('conditional creates', () => {
  const db = documentClient();
  afterAll(() => db.destroy());

  it('refuses a second list, knowledge source or API key with the same id, keeping the first', async () => {
    const config = await isolatedConfig();
    const at = new Date().toISOString();

    const lists = new DynamoListStore(db, config.tables.lists, config.tables.contacts);
    await lists.create({ id: 'L1', name: 'VIP', createdAt: at });
    await expect(lists.create({ id: 'L1', name: 'Other', createdAt: at })).rejects.toThrow(ConflictError);
    expect(await lists.get('L1')).toMatchObject({ name: 'VIP' });

    const knowledge = new DynamoKnowledgeStore(db, config.tables.knowledge);
    const source = newSource('S1', at, { kind: 'document', state: 'ready', title: 'FAQ' });
    await knowledge.createSource(source);
    await expect(knowledge.createSource({ ...source, title: 'Other' })).rejects.toThrow(
      'knowledge source S1 already exists',
    );
    expect(await knowledge.getSource('S1')).toMatchObject({ title: 'FAQ' });

    const keys = new DynamoApiKeyStore(db, config.tables.apiKeys);
    await keys.put({ id: 'k1', name: 'admin', hash: 'h1', createdAt: at });
    await expect(keys.put({ id: 'k1', name: 'other', hash: 'h2', createdAt: at })).rejects.toThrow(
      ConflictError,
    );
    expect(await keys.get('k1')).toMatchObject({ name: 'admin', hash: 'h1' });
  });
});
