/**
 * The only place that chooses adapters. The local runtime and the api Lambda build every layer; the other
 * Lambdas build only the layers they use (see handlers/), which keeps their bundles small.
 */
import type { Config } from '../config';
import { buildCampaigns, type CampaignDeps, type CampaignOptions } from './campaigns';
import { buildCore, type CoreOptions } from './core';
import { buildData, type DataDeps } from './data';
import { buildSending, type SendingDeps, type SendingOptions } from './sending';

export type { AwsTarget, CoreDeps } from './core';
export type { DataDeps } from './data';
export { buildWhatsAppSender } from './sending';

export type Deps = DataDeps & SendingDeps & CampaignDeps;
export type DepsOptions = CoreOptions & SendingOptions & CampaignOptions;

export function buildDeps(config: Config, options: DepsOptions = {}): Deps {
  const data = buildData(buildCore(config, options));
  return { ...data, ...buildSending(data, options), ...buildCampaigns(data, options) };
}
