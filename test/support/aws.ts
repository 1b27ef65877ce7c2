import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { makeDocumentClient } from '../../functions/adapters/dynamodb/client';
import { type Config, loadConfig } from '../../functions/config';
import { TABLES, type TableKey } from '../../functions/resources';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/platform';
import { ensureTable } from '../../local/provision';

export function endpoints() {
  const dynamodbEndpoint = process.env.TEST_DYNAMODB_ENDPOINT;
  const sqsEndpoint = process.env.TEST_SQS_ENDPOINT;
  if (!dynamodbEndpoint || !sqsEndpoint)
    throw new Error('emulators are not running: use the integration or e2e project');
  return { dynamodbEndpoint, sqsEndpoint };
}

const aws = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

export function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient({ ...aws, endpoint: endpoints().dynamodbEndpoint });
}

export function documentClient() {
  return makeDocumentClient({ ...aws, endpoint: endpoints().dynamodbEndpoint });
}

export function sqsClient(): SQSClient {
  return new SQSClient({ ...aws, endpoint: endpoints().sqsEndpoint });
}

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

/** Table names unique to one test file, as environment variables the config understands. */
export function isolatedTableEnv(suffix = uniqueSuffix()): Record<string, string> {
  return Object.fromEntries(Object.values(TABLES).map((t) => [t.envVar, `${t.localName}-${suffix}`]));
}

/** A config with isolated tables, created in dynalite. */
export async function isolatedConfig(env: Record<string, string> = {}): Promise<Config> {
  const config = loadConfig({ ...isolatedTableEnv(), PORT: '0', LOG_LEVEL: 'WARN', ...env });
  const client = dynamoClient();
  for (const [key, def] of Object.entries(TABLES))
    await ensureTable(client, config.tables[key as TableKey], def);
  client.destroy();
  return config;
}
