import { loadConfig } from '../config';
import { buildDeps } from '../deps';
import { sendWorker } from '../wiring/send-worker';

/** The send worker Lambda: consumes the send queue with partial batch responses. */
export const makeHandler = sendWorker;
export const handler = sendWorker(buildDeps(loadConfig()));
