import { inboundPlaceholder } from '../wiring/events';
import { lazyHandler } from './lazy';

/** The inbound queue's consumer; the AI responder takes this place in its own issue. */
export const handler = lazyHandler((deps) => {
  const consume = inboundPlaceholder(deps);
  return (event: Parameters<typeof consume>[0]) => consume(event);
});
