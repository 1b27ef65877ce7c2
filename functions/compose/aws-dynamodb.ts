/** The DynamoDB document client, one per context. Its own module: a function without tables never loads the SDK's DynamoDB client. */
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
