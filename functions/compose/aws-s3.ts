/** The S3 client, one per context. fauxqs serves S3 on its SQS port locally, with bucket names in the path. */
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from './context';

export const s3 = (c: Context): S3Client =>
  c.once(
    's3',
    () =>
      new S3Client({
        ...c.clientSettings(),
        ...(c.aws.s3Endpoint ? { endpoint: c.aws.s3Endpoint, forcePathStyle: true } : {}),
      }),
  );
