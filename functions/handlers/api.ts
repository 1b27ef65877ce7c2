import { defaultIsContentTypeBinary, handle } from 'hono/aws-lambda';
import { buildApi } from '../compose/api';
import { lambdaHandler } from '../compose/lambda';

/**
 * The api Lambda: the Hono app behind API Gateway's HTTP API (payload format 2.0). A text/plain answer is
 * a customer's document (the API's own answers are JSON or HTML), so it goes base64 like other files: its
 * bytes arrive as they were stored, whatever their encoding. A text/csv answer (an export) goes base64 too:
 * read as text, its byte order mark would be dropped, and Excel needs it to read UTF-8.
 */
export const handler = lambdaHandler('api', (c) =>
  handle(buildApi(c), {
    isContentTypeBinary: (type) => /^text\/(plain|csv)\b/i.test(type) || defaultIsContentTypeBinary(type),
  }),
);
