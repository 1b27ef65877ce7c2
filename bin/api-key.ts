/**
 * Manage API keys:  npm run api-key -- create <name> | list | revoke <id>
 * Locally it uses the running `npm start` on the same data directory if there is one, and otherwise
 * opens the directory's tables itself.
 * Against AWS, set API_KEYS_TABLE (and AWS credentials/region) and it talks to DynamoDB directly.
 */
import { resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoApiKeyStore } from '../functions/adapters/dynamodb/api-key-store';
import { makeDocumentClient } from '../functions/adapters/dynamodb/client';
import { loadConfig } from '../functions/config';
import { issueApiKey } from '../functions/domain/api-key';
import type { ApiKeyStore } from '../functions/ports';
import { TABLES } from '../functions/resources';
import { startEmulators } from '../local/emulators';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../local/platform';
import { ensureTable } from '../local/provision';
import { runningPlatform } from '../local/runtime-file';

const USAGE = 'Usage: npm run api-key -- create <name> | list | revoke <id>';

export async function runApiKeyCommand(
  store: ApiKeyStore,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  const [command, arg] = args;
  switch (command) {
    case 'create': {
      const name = args.slice(1).join(' ').trim();
      if (!name) {
        out('A name is required: npm run api-key -- create <name>');
        return 2;
      }
      const issued = issueApiKey();
      await store.put({ id: issued.id, name, hash: issued.hash, createdAt: new Date().toISOString() });
      out(`Created key ${issued.id} (${name}). Store it now; it cannot be shown again:`);
      out(issued.key);
      return 0;
    }
    case 'list': {
      const keys = await store.list();
      if (keys.length === 0) out('No API keys.');
      for (const k of keys) {
        out(
          `${k.id}  ${k.revokedAt ? `revoked ${k.revokedAt}` : 'active'}  created ${k.createdAt}  ${k.name}`,
        );
      }
      return 0;
    }
    case 'revoke': {
      if (!arg) {
        out('An id is required: npm run api-key -- revoke <id>');
        return 2;
      }
      const ok = await store.revoke(arg, new Date().toISOString());
      out(ok ? `Revoked ${arg}.` : `No key with id ${arg}.`);
      return ok ? 0 : 1;
    }
    default:
      out(USAGE);
      return 2;
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const remoteTable = process.env[TABLES.apiKeys.envVar];
  if (remoteTable) {
    const store = new DynamoApiKeyStore(makeDocumentClient(), remoteTable);
    process.exitCode = await runApiKeyCommand(store, process.argv.slice(2), console.log);
    return;
  }
  const dataDir = resolve(config.dataDir);
  const running = runningPlatform(dataDir);
  const emulators = running ? undefined : await startEmulators(dataDir);
  try {
    const aws = {
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      endpoint: running?.dynamodbEndpoint ?? emulators!.dynamodbEndpoint,
    };
    await ensureTable(new DynamoDBClient(aws), config.tables.apiKeys, TABLES.apiKeys);
    const store = new DynamoApiKeyStore(makeDocumentClient(aws), config.tables.apiKeys);
    process.exitCode = await runApiKeyCommand(store, process.argv.slice(2), console.log);
  } finally {
    await emulators?.stop();
  }
}

if (require.main === module) {
  main().catch((error) => {
    const message = (error as Error).message ?? '';
    if (/LOCK|Database is (closed|not open)/i.test(message)) {
      console.error(
        'The data directory is in use by another process (a platform that did not say where it runs). ' +
          'Stop it, or run this command from the same folder as the running `npm start`.',
      );
    } else {
      console.error(error);
    }
    process.exit(1);
  });
}
