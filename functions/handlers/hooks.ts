import { buildHooks } from '../compose/hooks';
import { lambdaHandler } from '../compose/lambda';

/** The hooks queue's consumer: the platform's events, signed, to the business's webhook subscriptions. */
export const handler = lambdaHandler('hooks', (c) => buildHooks(c));
