/**
 * A typed client for the platform's API: paths, parameters, bodies and answers come from the OpenAPI
 * document (schema.d.ts, generated), and openapi-fetch makes the requests. A change to the document that
 * breaks a caller fails that caller's compile.
 *
 *   const api = createPlatformClient({ baseUrl: 'http://localhost:3000', apiKey: process.env.KEY });
 *   const { data, error } = await api.GET('/api/campaigns/{id}', { params: { path: { id } } });
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { components, paths };
export type PlatformClient = Client<paths>;

export function createPlatformClient(options: {
  baseUrl: string;
  apiKey?: string;
  fetch?: typeof fetch;
}): PlatformClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    ...(options.apiKey ? { headers: { authorization: `Bearer ${options.apiKey}` } } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
