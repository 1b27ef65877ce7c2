import { lambdaHandler } from '../compose/lambda';
import { buildSendWorker } from '../compose/send-worker';

/** The send worker Lambda: consumes the send queue with partial batch responses. */
export const handler = lambdaHandler('send-worker', (c) => buildSendWorker(c));
