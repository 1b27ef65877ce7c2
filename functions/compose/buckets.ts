/**
 * Changes too large for a queue message, parked in S3. Rarely needed, so the S3 client and adapter are
 * loaded on first use: neither the webhook nor the events function reads them at start-up.
 */
import type { ChangeParking } from '../ports';
import type { BucketAccess } from '../resources';
import type { Context } from './context';

export const changeParking = (c: Context, ...uses: BucketAccess[]): ChangeParking => {
  let bucket = c.config.buckets.parked;
  for (const use of uses) bucket = c.bucket('parked', use);
  let made: Promise<ChangeParking> | undefined;
  const parking = () => {
    made ??= Promise.all([import('../adapters/s3/parked-changes'), import('./aws-s3')]).then(
      ([adapter, client]) => new adapter.S3ChangeParking(client.s3(c), bucket),
    );
    return made;
  };
  return {
    park: async (body) => (await parking()).park(body),
    take: async (key) => (await parking()).take(key),
    discard: async (key) => (await parking()).discard(key),
  };
};
