/** Large exports: the jobs (campaigns table), their files (exports bucket) and the launch queue runs them. */
import { DynamoExportJobStore } from '../adapters/dynamodb/export-job-store';
import type { ExportFiles } from '../ports';
import type { BucketAccess } from '../resources';
import { ExportJobs } from '../services/export-jobs';
import { dynamo } from './aws-dynamodb';
import { onFirstUse } from './buckets';
import type { Context } from './context';
import { exportQueue } from './queues';
import { campaignStore, recipientStore } from './stores';

/** The exports bucket's files, with the S3 client loaded on first use (few requests ever need it). */
const exportFiles = (c: Context, ...uses: BucketAccess[]): ExportFiles => {
  const files = onFirstUse(
    c,
    'exports',
    uses,
    async (s3, bucket) => new (await import('../adapters/s3/export-files')).S3ExportFiles(s3, bucket),
  );
  return {
    put: async (key, path, bytes, filename) => (await files()).put(key, path, bytes, filename),
    link: async (key, filename, seconds) => (await files()).link(key, filename, seconds),
  };
};

export const exportJobs = (c: Context, ...uses: BucketAccess[]) => {
  return new ExportJobs({
    jobs: new DynamoExportJobStore(dynamo(c), c.table('campaigns')),
    files: exportFiles(c, ...uses),
    queue: exportQueue(c),
    campaigns: campaignStore(c),
    recipients: recipientStore(c),
    clock: c.clock,
    logger: c.logger,
  });
};
