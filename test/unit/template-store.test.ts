import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { makeDocumentClient } from '../../functions/adapters/dynamodb/client';
import { DynamoTemplateStore } from '../../functions/adapters/dynamodb/template-store';
import { ConflictError } from '../../functions/domain/errors';

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });
const def = { name: 'Welcome', body: 'Hi {{n}}', category: 'utility' as const, variables: ['n'] };

describe('DynamoTemplateStore name guard (aws-sdk-client-mock)', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  const store = new DynamoTemplateStore(makeDocumentClient({ region: 'us-east-1' }), 'templates');
  beforeEach(() => ddb.reset());

  it('claims the lower-cased name before writing the template', async () => {
    ddb.on(PutCommand).resolves({});
    const t = await store.create(def);
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(puts[0]).toMatchObject({
      TableName: 'templates',
      Item: { pk: 'TEMPLATE_NAME#welcome', sk: 'NAME', templateId: t.id },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(puts[1]).toMatchObject({
      Item: { pk: `TEMPLATE#${t.id}`, sk: 'TEMPLATE', gsi1pk: 'TEMPLATES', gsi1sk: t.id, version: 1 },
    });
  });

  it('refuses a name owned by an existing template', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb
      .on(GetCommand, { Key: { pk: 'TEMPLATE_NAME#welcome', sk: 'NAME' } })
      .resolves({ Item: { templateId: 'OTHER' } });
    ddb.on(GetCommand, { Key: { pk: 'TEMPLATE#OTHER', sk: 'TEMPLATE' } }).resolves({ Item: { id: 'OTHER' } });
    await expect(store.create(def)).rejects.toThrow(ConflictError);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
  });

  it('takes over a guard whose template was never written (crash between the two writes)', async () => {
    ddb.on(PutCommand).rejectsOnce(conditionFailed()).resolves({});
    ddb
      .on(GetCommand, { Key: { pk: 'TEMPLATE_NAME#welcome', sk: 'NAME' } })
      .resolves({ Item: { templateId: 'GHOST' } });
    ddb.on(GetCommand, { Key: { pk: 'TEMPLATE#GHOST', sk: 'TEMPLATE' } }).resolves({});
    const t = await store.create(def);
    expect(ddb).toHaveReceivedNthSpecificCommandWith(2, PutCommand, {
      Item: { pk: 'TEMPLATE_NAME#welcome', sk: 'NAME', templateId: t.id },
      ConditionExpression: 'attribute_not_exists(pk) OR templateId = :owner',
      ExpressionAttributeValues: { ':owner': 'GHOST' },
    });
  });

  it('releases the name when the template write fails', async () => {
    ddb.on(PutCommand).resolvesOnce({}).rejects(new Error('throttled'));
    ddb.on(DeleteCommand).resolves({});
    await expect(store.create(def)).rejects.toThrow('throttled');
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      Key: { pk: 'TEMPLATE_NAME#welcome', sk: 'NAME' },
      ConditionExpression: 'templateId = :id',
    });
  });
});
