/**
 * How every Lambda is bundled, shared by the CDK function construct and `npm run bench -- bundles` so the
 * benchmark measures exactly what is deployed.
 */
export const BUNDLING = {
  format: 'esm' as const,
  minify: true,
  sourcemap: true,
  target: 'node24',
  platform: 'node' as const,
  mainFields: ['module', 'main'],
  // The Node.js Lambda runtime provides the AWS SDK v3; leaving it out halves bundle size and cold start.
  external: ['@aws-sdk/*'],
  // Some dependencies are CommonJS and call require(); an ESM bundle needs it defined.
  banner: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);",
};

/** Every function, by its handler file under functions/handlers/. */
export const HANDLERS = [
  'api',
  'webhook',
  'events',
  'send-worker',
  'launcher',
  'inbound',
  'crawler',
] as const;
