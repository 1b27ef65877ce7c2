/**
 * Webhook changes too large for a queue message, kept in S3 (fauxqs's S3 locally) while the events
 * consumer has not applied them. The bucket expires objects after a fortnight, a backstop for any the
 * consumer could not finish; it deletes the rest once they are applied.
 */
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ChangeParking } from '../../ports';

export class S3ChangeParking implements ChangeParking {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async park(body: string): Promise<string> {
    // Grouped by day, so an operator can find the ones of an incident.
    const key = `changes/${new Date().toISOString().slice(0, 10)}/${randomUUID()}.json`;
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }),
    );
    return key;
  }

  async take(key: string): Promise<string | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await out.Body?.transformToString('utf-8');
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async discard(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }
}
