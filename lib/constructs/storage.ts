import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLES, type TableDefinition, type TableKey } from '../../functions/resources';
import type { StageSettings } from '../stage';

/** Every table the platform uses, built from the same definitions the local runtime creates in dynalite. */
export class Storage extends Construct {
  readonly tables: Record<TableKey, TableV2>;

  constructor(scope: Construct, id: string, props: { stage: StageSettings }) {
    super(scope, id);
    const definitions = Object.entries(TABLES) as [TableKey, TableDefinition][];
    const entries = definitions.map(([key, def]) => {
      const table = new TableV2(this, key, {
        partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
        ...(def.sortKey ? { sortKey: { name: def.sortKey, type: AttributeType.STRING } } : {}),
        billing: Billing.onDemand(),
        encryption: TableEncryptionV2.awsManagedKey(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: props.stage.deletionProtection,
        removalPolicy: props.stage.removalPolicy,
        ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
        globalSecondaryIndexes: def.indexes.map((index) => ({
          indexName: index.indexName,
          partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
          ...(index.sortKey ? { sortKey: { name: index.sortKey, type: AttributeType.STRING } } : {}),
        })),
      });
      return [key, table] as const;
    });
    this.tables = Object.fromEntries(entries) as Record<TableKey, TableV2>;
  }

  /** Environment variables that tell a function the real table names. */
  environmentFor(keys: readonly TableKey[]): Record<string, string> {
    return Object.fromEntries(keys.map((k) => [TABLES[k].envVar, this.tables[k].tableName]));
  }
}
