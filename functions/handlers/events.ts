import { buildEvents } from '../compose/events';
import { lambdaHandler } from '../compose/lambda';

/** The events Lambda: applies statuses, inbound messages and opt-outs from the events queue. */
export const handler = lambdaHandler('events', buildEvents);
