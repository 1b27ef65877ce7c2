export default async function teardown() {
  const emulators = globalThis.__emulators;
  if (!emulators) return;
  await emulators.sqs.stop();
  await new Promise((resolve) => emulators.dynamo.close(resolve));
}
