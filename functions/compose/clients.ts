/** The AWS SDK clients, one per context, each made by the first part that needs it. */
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { makeDocumentClient } from '../adapters/dynamodb/client';
import type { Context } from './context';

export const dynamo = (c: Context): DynamoDBDocumentClient =>
  c.once('dynamodb', () =>
    makeDocumentClient({
      ...c.clientSettings(),
      ...(c.aws.dynamodbEndpoint ? { endpoint: c.aws.dynamodbEndpoint } : {}),
    }),
  );

export const sqs = (c: Context): SQSClient =>
  c.once(
    'sqs',
    () =>
      new SQSClient({ ...c.clientSettings(), ...(c.aws.sqsEndpoint ? { endpoint: c.aws.sqsEndpoint } : {}) }),
  );

export const scheduler = (c: Context): SchedulerClient =>
  c.once('scheduler', () => new SchedulerClient(c.clientSettings()));

/** fauxqs serves S3 on its SQS port locally, where bucket names go in the path. */
export const s3 = (c: Context): S3Client =>
  c.once(
    's3',
    () =>
      new S3Client({
        ...c.clientSettings(),
        ...(c.aws.s3Endpoint ? { endpoint: c.aws.s3Endpoint, forcePathStyle: true } : {}),
      }),
  );
