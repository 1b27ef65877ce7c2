import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';

export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

/**
 * Exactly the DynamoDB actions a function uses, on the table and on the named indexes only
 * (the CDK's grantReadWriteData would add every action and `index/*`).
 */
export function allowTable(
  role: Role,
  table: TableV2,
  actions: readonly TableAction[],
  options: { indexes?: readonly string[] } = {},
): void {
  role.addToPolicy(
    new PolicyStatement({
      actions: actions.map((a) => `dynamodb:${a}`),
      resources: [table.tableArn],
    }),
  );
  const indexes = options.indexes ?? [];
  if (indexes.length > 0) {
    role.addToPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: indexes.map((name) => `${table.tableArn}/index/${name}`),
      }),
    );
  }
}
