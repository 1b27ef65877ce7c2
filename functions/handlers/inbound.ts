import { buildCore } from '../deps/core';
import { buildData } from '../deps/data';
import { buildAssistant } from '../wiring/assistant';
import { responder } from '../wiring/inbound';
import { lazyHandler } from './lazy';

/** The inbound queue's consumer: the assistant that answers customers from the website's content. */
export const handler = lazyHandler(
  (config) => buildData(buildCore(config)),
  (deps) => {
    const consume = responder(deps, buildAssistant(deps));
    return (event: Parameters<typeof consume>[0]) => consume(event);
  },
);
