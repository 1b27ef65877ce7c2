/** How the api Lambda is assembled from Deps; its handler file and the local runtime both call this. Nothing runs on import. */
import type { CampaignDeps } from '../deps/campaigns';
import type { DataDeps } from '../deps/data';
import { createApp } from '../http/app';
import { makeApiKeyVerifier } from '../http/auth';
import { type Assistant, buildAssistant } from './assistant';

export function apiApp(
  deps: DataDeps & CampaignDeps,
  options: { devApiKey?: string; assistant?: Assistant } = {},
) {
  return createApp({
    ...deps,
    verifyApiKey: makeApiKeyVerifier(deps.apiKeys, options.devApiKey),
    mode: deps.config.mode,
    assistant: options.assistant ?? buildAssistant(deps),
    crawlerPolicy: { allowLoopback: deps.config.crawler.allowPrivateHosts },
  });
}
