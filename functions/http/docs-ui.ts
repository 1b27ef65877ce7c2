/**
 * The API reference page, `/api/docs`: Swagger UI from the pinned `swagger-ui-dist` package, served by the
 * app itself from the same origin, so it works offline and runs only the code the lockfile names.
 *
 * Where the files are: locally, in node_modules; in Lambda, copied beside the bundle under `docs-ui/`
 * (lib/bundling.ts). They are read on the first request for them, never at start-up.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Env, Hono } from 'hono';

/** The Swagger UI files the page loads, as the package ships them. */
export const DOCS_UI_FILES = ['swagger-ui-bundle.js', 'swagger-ui.css'] as const;
type DocsFile = (typeof DOCS_UI_FILES)[number];

/** The page loads nothing from anywhere else, and runs no inline script. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** In Lambda the files sit in the function's own directory; elsewhere in the installed package. */
export function docsAssetDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LAMBDA_TASK_ROOT) return join(env.LAMBDA_TASK_ROOT, 'docs-ui');
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>WhatsApp Business Platform API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
`;

// A file of its own rather than an inline script, so the page's CSP can forbid inline code.
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#docs', deepLinking: true });\n`;

const TYPES: Record<DocsFile | 'init.js', string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'init.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

export function registerDocsRoutes<E extends Env>(app: Hono<E>, assetDir: () => string = docsAssetDir): void {
  const cache = new Map<DocsFile, Promise<Buffer>>();
  const headers = (type: string) => ({
    'content-type': type,
    'content-security-policy': DOCS_CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'public, max-age=3600',
  });

  app.get('/api/docs', (c) =>
    c.body(PAGE, 200, { ...headers('text/html; charset=utf-8'), 'cache-control': 'no-cache' }),
  );
  app.get('/api/docs/init.js', (c) => c.body(INIT, 200, headers(TYPES['init.js'])));
  for (const file of DOCS_UI_FILES) {
    app.get(`/api/docs/${file}`, async (c) => {
      let body = cache.get(file);
      if (!body) {
        body = readFile(join(assetDir(), file));
        cache.set(file, body);
        body.catch(() => cache.delete(file));
      }
      return c.body(new Uint8Array(await body), 200, headers(TYPES[file]));
    });
  }
}
