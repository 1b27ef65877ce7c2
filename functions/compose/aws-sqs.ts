/** The SQS client, one per context. */
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from './context';

export const sqs = (c: Context): SQSClient =>
  c.once(
    'sqs',
    () =>
      new SQSClient({ ...c.clientSettings(), ...(c.aws.sqsEndpoint ? { endpoint: c.aws.sqsEndpoint } : {}) }),
  );
