import { buildInbound } from '../compose/inbound';
import { lambdaHandler } from '../compose/lambda';

/** The inbound queue's consumer: the assistant that answers customers from the website's content. */
export const handler = lambdaHandler('inbound', (c) => buildInbound(c));
