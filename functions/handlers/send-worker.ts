import { buildCore } from '../deps/core';
import { buildData } from '../deps/data';
import { buildSending } from '../deps/sending';
import { sendWorker } from '../wiring/send-worker';
import { lazyHandler } from './lazy';

/** The send worker Lambda: consumes the send queue with partial batch responses. */
export const makeHandler = sendWorker;
export const handler = lazyHandler(
  (config) => {
    const data = buildData(buildCore(config));
    return { ...data, ...buildSending(data) };
  },
  (deps) => {
    const worker = sendWorker(deps);
    return (event: Parameters<typeof worker>[0]) => worker(event);
  },
);
