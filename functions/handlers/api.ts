import { handle } from 'hono/aws-lambda';
import { buildApi } from '../compose/api';
import { lambdaHandler } from '../compose/lambda';

/** The api Lambda: the Hono app behind API Gateway's HTTP API (payload format 2.0). */
export const handler = lambdaHandler('api', (c) => handle(buildApi(c)));
