/**
 * `npm run bench -- bundles`: builds every function with the production bundling settings, then reports
 * each bundle's size and its module initialisation time (`node` importing the bundle, median of 10 runs).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLING, HANDLERS } from '../lib/bundling';

const ROOT = join(__dirname, '..');
// Inside the repository, so the bundles resolve the AWS SDK from node_modules as Lambda's runtime provides it.
const OUT = join(ROOT, 'bench', '.bundles');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export async function runBundlesBenchmark(options: { quick?: boolean } = {}) {
  rmSync(OUT, { recursive: true, force: true });
  const runs = options.quick ? 3 : 10;
  const functions = [];
  for (const name of HANDLERS) {
    const outfile = join(OUT, name, 'index.mjs');
    mkdirSync(join(OUT, name), { recursive: true });
    await build({
      entryPoints: [join(ROOT, 'functions', 'handlers', `${name}.ts`)],
      bundle: true,
      outfile,
      format: BUNDLING.format,
      minify: BUNDLING.minify,
      sourcemap: BUNDLING.sourcemap,
      target: BUNDLING.target,
      platform: BUNDLING.platform,
      mainFields: BUNDLING.mainFields,
      external: BUNDLING.external,
      banner: { js: BUNDLING.banner },
      logLevel: 'silent',
    });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const t = performance.now(); await import(${JSON.stringify(outfile)}); console.log(performance.now() - t);`,
        ],
        { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } },
      );
      times.push(Number(out.trim()));
    }
    const kb = statSync(outfile).size / 1024;
    functions.push({
      function: name,
      bundleKb: Math.round(kb * 10) / 10,
      initMsMedian: Math.round(median(times) * 10) / 10,
      underSizeTarget: kb < 500,
      underInitTarget: median(times) < 150,
    });
  }
  const summary = [
    'function       bundle      init (median)',
    ...functions.map((f) => `${f.function.padEnd(15)}${`${f.bundleKb} KB`.padEnd(12)}${f.initMsMedian} ms`),
    'targets: under 500 KB (except where the OpenAI SDK is needed), initialisation under 150 ms',
  ].join('\n');
  return {
    benchmark: 'bundles',
    at: new Date().toISOString(),
    node: process.version,
    runs,
    functions,
    summary,
  };
}
