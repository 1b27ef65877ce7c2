import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { CONSOLE } from '../functions/resources';

/** The repository's root, whichever folder the runtime was started from. */
const ROOT = resolve(__dirname, '..');

/**
 * The web console's files, as CloudFront serves them in AWS: the built app from web/dist with the
 * console's Content-Security-Policy, hashed assets cached for good and index.html never. Any path that
 * is not a file gets index.html (the app routes by hash, so this only catches typed URLs).
 */
export function consoleFiles(distDir = join(ROOT, CONSOLE.distDir)) {
  const app = new Hono();
  const root = relative(process.cwd(), distDir) || '.';
  app.use('*', async (c, next) => {
    await next();
    c.header('content-security-policy', CONSOLE.contentSecurityPolicy);
    c.header('x-content-type-options', 'nosniff');
    c.header('x-frame-options', 'DENY');
    c.header('referrer-policy', 'no-referrer');
    c.header(
      'cache-control',
      c.req.path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
  });
  app.get('*', async (c, next) => {
    if (!existsSync(join(distDir, 'index.html'))) {
      return c.text(
        'The console is not built yet: run `npm run build:web` (npm start does it for you), then reload.',
        503,
      );
    }
    return next();
  });
  app.use('/assets/*', serveStatic({ root }));
  app.get('*', serveStatic({ root, path: 'index.html' }));
  return app;
}
