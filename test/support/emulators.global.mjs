// Starts one dynalite (in memory) and one fauxqs for the integration and e2e tiers.
// Each test file isolates itself by creating tables and queues with unique names.
import dynalite from 'dynalite';
import { startFauxqs } from 'fauxqs';
import { listeningOnLoopbackOnly } from '../../local/loopback-only.mjs';

export default async function setup() {
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  const sqs = await listeningOnLoopbackOnly(() => startFauxqs({ port: 0, host: '127.0.0.1', logger: false }));
  process.env.TEST_DYNAMODB_ENDPOINT = `http://127.0.0.1:${dynamo.address().port}`;
  process.env.TEST_SQS_ENDPOINT = sqs.address;
  globalThis.__emulators = { dynamo, sqs };
}
