import { handle } from 'hono/aws-lambda';
import { buildCampaigns, type CampaignDeps } from '../deps/campaigns';
import { buildCore } from '../deps/core';
import { buildData, type DataDeps } from '../deps/data';
import { apiApp } from '../wiring/api';
import { lazyHandler } from './lazy';

/**
 * The api Lambda: the whole Hono app behind API Gateway's HTTP API (payload format 2.0). It sends nothing
 * itself (messages go through the send queue), so it has no WhatsApp sender.
 */
export function makeHandler(deps: DataDeps & CampaignDeps) {
  return handle(apiApp(deps));
}

export const handler = lazyHandler((config) => {
  const data = buildData(buildCore(config));
  return { ...data, ...buildCampaigns(data) };
}, makeHandler);
