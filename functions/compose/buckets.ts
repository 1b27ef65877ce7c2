/**
 * Changes too large for a queue message, parked in S3. Rarely needed, so the S3 client and adapter are
 * loaded on first use: neither the webhook nor the events function reads them at start-up.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ChangeParking } from '../ports';
import type { BucketAccess, BucketKey } from '../resources';
import type { Context } from './context';

/**
 * A bucket's adapter, made on first use: the grants are checked now (a function that may not use the
 * bucket so fails at start-up, not on its first request), the S3 client and the adapter's module are
 * loaded only when something is first read or written.
 */
export function onFirstUse<T>(
  c: Context,
  key: BucketKey,
  uses: readonly BucketAccess[],
  make: (s3: S3Client, bucket: string) => Promise<T>,
): () => Promise<T> {
  let bucket = c.config.buckets[key];
  for (const use of uses) bucket = c.bucket(key, use);
  let made: Promise<T> | undefined;
  return () => {
    made ??= import('./aws-s3').then((client) => make(client.s3(c), bucket));
    return made;
  };
}

export const changeParking = (c: Context, ...uses: BucketAccess[]): ChangeParking => {
  const parking = onFirstUse(
    c,
    'parked',
    uses,
    async (s3, bucket) => new (await import('../adapters/s3/parked-changes')).S3ChangeParking(s3, bucket),
  );
  return {
    park: async (body) => (await parking()).park(body),
    take: async (key) => (await parking()).take(key),
    discard: async (key) => (await parking()).discard(key),
  };
};
