/**
 * How every Lambda is bundled, shared by the CDK function construct (through lib/bundle-function.ts) and
 * `npm run bench -- bundles`, so the benchmark measures exactly what is deployed.
 *
 * Choices, each measured with the bundle benchmark (docs/operations.md#bundling):
 * - The AWS SDK v3 is bundled, not taken from the Lambda runtime: one tree-shaken ES module loads faster
 *   than the runtime's many CommonJS files (with splitting, a third off every function's start), and the
 *   deployed SDK is the version tested.

 * - Code splitting: what a function imports on first use (the OpenAI SDK, HTML parsing for documents, the
 *   SDK's credential providers other than environment variables) is a separate file, read only if used.
 * - Source maps without the sources' text: stack traces keep file and line, and the smaller map costs less
 *   at start-up (Node reads it when the module loads, because of --enable-source-maps).
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';
import { DOCS_UI_FILES } from '../functions/http/docs-ui';
import { FUNCTION_NAMES, type FunctionName } from '../functions/resources';

/** Every function, by its handler file under functions/handlers/ (functions/resources.ts names them). */
export const HANDLERS = FUNCTION_NAMES;
export type HandlerName = FunctionName;

/** The Node options every function runs with (the benchmark imports bundles with the same). */
export const NODE_OPTIONS = '--enable-source-maps';

/** The file each bundle starts from; the Lambda handler is `index.handler`. */
export const ENTRY_FILE = 'index.mjs';

const ROOT = join(__dirname, '..');

/**
 * zod exports every error-message locale (about 250 KB, 40 languages) through `z.locales`, and
 * @hono/zod-openapi hands the whole `z` namespace to zod-to-openapi, so none can be tree-shaken. The
 * platform never switches zod's language (API errors are English), so only English is bundled.
 */
const englishOnlyZod: Plugin = {
  name: 'zod-english-only',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, '..', 'locales', 'index.js'), namespace: 'zod-english-only' }
        : undefined,
    );
    esbuild.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

export function bundleOptions(handler: HandlerName, outdir: string): BuildOptions {
  return {
    entryPoints: { index: join(ROOT, 'functions', 'handlers', `${handler}.ts`) },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    // ES module builds of dependencies (the AWS SDK's dist-es among them) tree-shake; CommonJS ones do not.
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    // Some dependencies are CommonJS and call require(); an ES module bundle needs it defined.
    banner: { js: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" },
    plugins: [englishOnlyZod],
    logLevel: 'warning',
  };
}

/**
 * Files a function reads at run time besides its code, copied into the bundle: the api serves the API
 * reference page's Swagger UI from `docs-ui/` (functions/http/docs-ui.ts), read on first request only.
 */
const RUNTIME_FILES: Partial<Record<HandlerName, { from: string; files: readonly string[]; to: string }>> = {
  api: {
    from: 'swagger-ui-dist/package.json',
    files: DOCS_UI_FILES,
    to: 'docs-ui',
  },
};

/** Builds one function into `outdir` (index.mjs, its lazily loaded chunks, source maps, runtime files). */
export async function bundleFunction(handler: HandlerName, outdir: string): Promise<Metafile> {
  const result = await build(bundleOptions(handler, outdir));
  const extra = RUNTIME_FILES[handler];
  if (extra) {
    const source = dirname(require.resolve(extra.from));
    await mkdir(join(outdir, extra.to), { recursive: true });
    for (const file of extra.files) await copyFile(join(source, file), join(outdir, extra.to, file));
  }
  return result.metafile!;
}
