/**
 * The OpenAPI document without a running platform: the app is built over stand-ins that are never
 * called (routes only describe themselves until a request comes), and asked for its document. Used by
 * `npm run openapi` (docs/openapi.json, the typed client) and by the contract tests.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { type AppDeps, createApp } from './app';

const notCalled = (what: string) =>
  new Proxy(
    {},
    {
      get: (_t, prop) =>
        prop === 'then'
          ? undefined
          : () => {
              throw new Error(`${what}.${String(prop)} called while only describing the API`);
            },
    },
  );

export async function apiDocument(): Promise<Record<string, unknown>> {
  const logger = new Logger({ logLevel: 'SILENT' });
  const deps = new Proxy({} as AppDeps, {
    get: (_t, prop) => (prop === 'mode' ? 'DEV' : prop === 'logger' ? logger : notCalled(String(prop))),
  });
  const response = await createApp(deps).request('/api/openapi.json');
  if (response.status !== 200) throw new Error(`the app did not describe itself: ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}
