import { buildCampaigns } from '../deps/campaigns';
import { buildCore } from '../deps/core';
import { buildData } from '../deps/data';
import { launcher } from '../wiring/launcher';
import { lazyHandler } from './lazy';

/** The launcher Lambda: one launch, cancel or scheduled-start command per record from the launch queue. */
export const makeHandler = launcher;
export const handler = lazyHandler((config) => {
  const data = buildData(buildCore(config));
  return { ...data, ...buildCampaigns(data) };
}, launcher);
