import { loadConfig } from '../config';
import { buildDeps } from '../deps';
import { eventsProcessor } from '../wiring/events';

/** The events Lambda: applies statuses, inbound messages and opt-outs from the events queue. */
export const makeHandler = eventsProcessor;
export const handler = eventsProcessor(buildDeps(loadConfig()));
