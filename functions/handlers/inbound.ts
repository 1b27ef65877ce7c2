import { loadConfig } from '../config';
import { buildDeps } from '../deps';
import { inboundPlaceholder } from '../wiring/events';

/** The inbound queue's consumer; the AI responder takes this place in its own issue. */
export const handler = inboundPlaceholder(buildDeps(loadConfig()));
