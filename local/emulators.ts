import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';

export interface Emulators {
  readonly dynamodbEndpoint: string;
  readonly sqsEndpoint: string;
  /** Calls `listener` with the operation of every DynamoDB request (the benchmarks count them). */
  onDynamoRequest(listener: (operation: string) => void): void;
  stop(): Promise<void>;
}

/**
 * dynalite (DynamoDB API) and fauxqs (SQS API) on loopback, on ports the OS picks.
 * With a data directory, dynalite keeps its LevelDB files and fauxqs its SQLite file there.
 */
export async function startEmulators(dataDir: string | undefined): Promise<Emulators> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const dynamo = dynalite({
    ...(dataDir ? { path: join(dataDir, 'dynamodb') } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(0, '127.0.0.1', () => resolve());
  });
  // fauxqs is ESM-only (its exports have no require condition), so it is loaded with import().
  const { startFauxqs } = await import('fauxqs');
  const { listeningOnLoopbackOnly } = await import('./loopback-only.mjs');
  const sqs = await listeningOnLoopbackOnly(() =>
    startFauxqs({
      port: 0,
      host: '127.0.0.1',
      logger: false,
      ...(dataDir ? { dataDir: join(dataDir, 'sqs') } : {}),
    }),
  );
  const port = (dynamo.address() as AddressInfo).port;
  return {
    dynamodbEndpoint: `http://127.0.0.1:${port}`,
    sqsEndpoint: sqs.address,
    onDynamoRequest(listener) {
      // The SDK names the operation in X-Amz-Target: "DynamoDB_20120810.PutItem".
      dynamo.on('request', (req: { headers: Record<string, unknown> }) =>
        listener(
          String(req.headers['x-amz-target'] ?? '')
            .split('.')
            .pop() ?? '',
        ),
      );
    },
    async stop() {
      await sqs.stop();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}
