/**
 * `npm run bench -- <name> [--quick]`: runs a benchmark, writes bench/results/<name>.json and prints a summary.
 * Benchmarks talk only to servers they start on 127.0.0.1, and stop by themselves.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAssistantBenchmark } from './assistant';
import { runBundlesBenchmark } from './bundles';
import { runConsoleBenchmark } from './console';
import { runEventsBenchmark } from './events';
import { runSendBenchmark } from './send';
import { runWebhookBenchmark } from './webhook';

const BENCHMARKS: Record<
  string,
  (o: { quick?: boolean; only?: string[] }) => Promise<Record<string, unknown>>
> = {
  send: runSendBenchmark,
  bundles: runBundlesBenchmark,
  console: runConsoleBenchmark,

  webhook: runWebhookBenchmark,
  assistant: runAssistantBenchmark,
  events: runEventsBenchmark,
};

async function main() {
  const [name, ...flags] = process.argv.slice(2);
  const run = name ? BENCHMARKS[name] : undefined;
  if (!run) {
    console.error(`Usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [--quick] [--only=a,b]`);
    process.exit(2);
  }
  // --only=a,b runs only those scenarios of a benchmark that has several (send, events).
  const only = flags
    .find((f) => f.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',')
    .filter(Boolean);
  const result = await run({ quick: flags.includes('--quick'), ...(only ? { only } : {}) });
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  const { summary, ...rest } = result;
  console.log(JSON.stringify(rest, null, 2));
  if (typeof summary === 'string') console.log(`\n${summary}`);
  console.log(`\nWritten to ${file}`);

  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
