import type { RecipientRecord } from '../domain/campaign';
import type { RecipientStatus } from '../domain/recipient-status';
import type { RecipientStore } from '../ports';

/**
 * Every recipient of a campaign (optionally of one status), a page at a time, bucket after bucket. For
 * sweeps that read everything once; the launcher pages by hand because it checkpoints between pages.
 */
export async function* recipientPages(
  recipients: Pick<RecipientStore, 'scanBucket'>,
  campaignId: string,
  buckets: number,
  options: { status?: RecipientStatus; limit: number },
): AsyncGenerator<{ bucket: number; items: RecipientRecord[] }> {
  for (let bucket = 0; bucket < buckets; bucket++) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await recipients.scanBucket(campaignId, bucket, {
        ...options,
        ...(startKey ? { startKey } : {}),
      });
      yield { bucket, items: page.items };
      startKey = page.lastKey;
    } while (startKey);
  }
}
