import { sendWorker } from '../wiring/send-worker';
import { lazyHandler } from './lazy';

/** The send worker Lambda: consumes the send queue with partial batch responses. */
export const makeHandler = sendWorker;
export const handler = lazyHandler((deps) => {
  const worker = sendWorker(deps);
  return (event: Parameters<typeof worker>[0]) => worker(event);
});
