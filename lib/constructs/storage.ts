import { Duration, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  BUCKETS,
  type BucketKey,
  TABLES,
  type TableDefinition,
  type TableKey,
} from '../../functions/resources';
import type { StageSettings } from '../stage';

/** Why each bucket has no server access logs of its own (cdk-nag AwsSolutions-S1). */
const ACCESS_LOG_REASONS: Record<BucketKey, string> = {
  parked:
    "Holds transient platform data (webhook changes too large for a queue message) for at most a fortnight; only the platform's own roles read or write it, and its data events can be logged by CloudTrail if required.",
  media:
    "Only the platform's own roles reach it (the events function writes customers' media, the api serves it to signed-in users and keeps uploads, the send worker reads uploads); every request for media goes through the api, whose access log and log lines record it, and its data events can be logged by CloudTrail if required.",
  exports:
    'Holds CSV exports for a week; only the launcher writes them and only signed-in users reach them, through presigned links the api hands out and logs; its data events can be logged by CloudTrail if required.',
};

/** Every table the platform uses, built from the same definitions the local runtime creates in dynalite. */
export class Storage extends Construct {
  readonly tables: Record<TableKey, TableV2>;
  readonly buckets: Record<BucketKey, Bucket>;

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

    // Private, encrypted, TLS only, objects expiring: parked changes are transient, exports kept a week,
    // media a year.
    this.buckets = Object.fromEntries(
      (Object.keys(BUCKETS) as BucketKey[]).map((key) => {
        const bucket = new Bucket(this, `${key}Bucket`, {
          encryption: BucketEncryption.S3_MANAGED,
          enforceSSL: true,
          blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
          objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
          lifecycleRules: [{ expiration: Duration.days(BUCKETS[key].expireAfterDays) }],
          removalPolicy: props.stage.removalPolicy,
        });
        Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason: ACCESS_LOG_REASONS[key] });
        return [key, bucket] as const;
      }),
    ) as Record<BucketKey, Bucket>;
  }

  /** Environment variables that tell a function the real bucket names. */
  bucketEnvironmentFor(keys: readonly BucketKey[]): Record<string, string> {
    return Object.fromEntries(keys.map((k) => [BUCKETS[k].envVar, this.buckets[k].bucketName]));
  }

  /** Environment variables that tell a function the real table names. */
  environmentFor(keys: readonly TableKey[]): Record<string, string> {
    return Object.fromEntries(keys.map((k) => [TABLES[k].envVar, this.tables[k].tableName]));
  }
}
