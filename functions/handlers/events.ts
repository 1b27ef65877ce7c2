import { buildCore } from '../deps/core';
import { buildData } from '../deps/data';
import { eventsProcessor } from '../wiring/events';
import { lazyHandler } from './lazy';

/** The events Lambda: applies statuses, inbound messages and opt-outs from the events queue. */
export const makeHandler = eventsProcessor;
export const handler = lazyHandler(
  (config) => buildData(buildCore(config)),
  (deps) => {
    const process = eventsProcessor(deps);
    return (event: Parameters<typeof process>[0]) => process(event);
  },
);
