/**
 * `npm run bench -- bundles`: builds every function with the production bundling settings (lib/bundling.ts),
 * then reports each bundle's size and its module initialisation time: a fresh `node`, with the Node options
 * the functions run with, importing the bundle's entry file (median of 10 runs). Lazily loaded chunks (the
 * OpenAI SDK, HTML parsing, the SDK's unused credential providers) are reported apart: they are deployed but
 * not read at start-up.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFunction, ENTRY_FILE, HANDLERS, NODE_OPTIONS } from '../lib/bundling';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'bench', '.bundles');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

/** Milliseconds from the start of `import()` to its end, in a fresh process. */
function importTime(file: string): number {
  const out = execFileSync(
    process.execPath,
    [
      ...NODE_OPTIONS.split(' '),
      '--input-type=module',
      '-e',
      `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`,
    ],
    // No AWS variables beyond a region: nothing may reach AWS while a bundle loads.
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1' } },
  );
  return Number(out.trim());
}

type Outputs = Record<
  string,
  { bytes: number; entryPoint?: string; imports: { path: string; kind: string }[] }
>;

/** The files read when `file` is imported: itself and, transitively, what it imports statically. */
function readWith(file: string, outputs: Outputs): Set<string> {
  const read = new Set<string>();
  const visit = (f: string) => {
    if (read.has(f) || !outputs[f]) return;
    read.add(f);
    for (const i of outputs[f].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(file);
  return read;
}

const bytesOf = (files: Iterable<string>, outputs: Outputs) =>
  [...files].reduce((sum, f) => sum + (outputs[f]?.bytes ?? 0), 0);

/**
 * What a function loads on first use, named by what was dynamically imported (our own modules by file
 * name), with what loading it reads beyond the start-up files. The AWS SDK's on-demand parts (credential
 * providers, of which Lambda reads only the environment's 0.4 KB one; browser detection) are summed as one.
 */
function lazyChunks(outputs: Outputs, startup: Set<string>): string[] {
  const sdk = new Set<string>();
  const named: string[] = [];
  for (const [file, output] of Object.entries(outputs)) {
    const entry = output.entryPoint;
    if (!entry || startup.has(file) || !file.endsWith('.mjs')) continue;
    const extra = [...readWith(file, outputs)].filter((f) => !startup.has(f));
    if (/node_modules\/(@aws-sdk|@smithy|bowser)\//.test(entry)) {
      for (const f of extra) sdk.add(f);
      continue;
    }
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(entry)?.[1];
    const name =
      pkg ??
      entry
        .split('/')
        .pop()!
        .replace(/\.[cm]?[jt]s$/, '');
    named.push(`${name} ${Math.round(kb(bytesOf(extra, outputs)))} KB`);
  }
  if (sdk.size > 0) named.push(`AWS SDK on-demand parts ${Math.round(kb(bytesOf(sdk, outputs)))} KB`);

  return named;
}

export async function runBundlesBenchmark(options: { quick?: boolean } = {}) {
  rmSync(OUT, { recursive: true, force: true });
  const runs = options.quick ? 3 : 10;
  const built = [];
  for (const name of HANDLERS) {
    const outdir = join(OUT, name);
    const meta = await bundleFunction(name, outdir);
    const outputs = meta.outputs as Outputs;
    const entry = Object.keys(outputs).find((file) => file.endsWith(`/${ENTRY_FILE}`));
    if (!entry) throw new Error(`${name}: no ${ENTRY_FILE} in the bundle`);
    // What the entry imports statically is read at start-up too; dynamic imports are not.
    const startup = readWith(entry, outputs);
    const startupBytes = bytesOf(startup, outputs);
    const allBytes = bytesOf(
      Object.keys(outputs).filter((file) => file.endsWith('.mjs')),
      outputs,
    );
    const lazy = lazyChunks(outputs, startup);
    built.push({ name, file: join(outdir, ENTRY_FILE), startupBytes, allBytes, lazy, times: [] as number[] });
  }
  // Interleaved, so a slow moment of the machine spreads over every function instead of one.
  for (let i = 0; i < runs; i++) for (const b of built) b.times.push(importTime(b.file));
  const functions = built.map((b) => ({
    function: b.name,
    bundleKb: kb(b.startupBytes),
    deployedKb: kb(b.allBytes),
    lazyChunks: b.lazy,
    initMsMedian: Math.round(median(b.times) * 10) / 10,
    initMsAll: b.times.map((t) => Math.round(t)),
    underSizeTarget: b.startupBytes < 500 * 1024,
    underInitTarget: median(b.times) < 150,
  }));
  const summary = [
    'function       read at start   deployed     init (median)   loaded on first use',
    ...functions.map(
      (f) =>
        `${f.function.padEnd(15)}${`${f.bundleKb} KB`.padEnd(16)}${`${f.deployedKb} KB`.padEnd(13)}${`${f.initMsMedian} ms`.padEnd(16)}${f.lazyChunks.join(', ')}`,
    ),
    `targets: under 500 KB (except where the OpenAI SDK is needed), initialisation under 150 ms; node ${process.version} ${NODE_OPTIONS}`,
  ].join('\n');
  return {
    benchmark: 'bundles',
    at: new Date().toISOString(),
    node: process.version,
    nodeOptions: NODE_OPTIONS,
    runs,
    functions,
    summary,
  };
}
