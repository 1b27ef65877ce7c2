/**
 * Export files in the private exports bucket (fauxqs's S3 locally, kept in the data directory with the
 * rest of its state). The bucket expires them after EXPORT_KEEP_DAYS (functions/resources.ts); a link
 * is a presigned GET that names the file, so the browser saves it under that name.
 */
import { createReadStream } from 'node:fs';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ExportFiles } from '../../ports';

export class S3ExportFiles implements ExportFiles {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(key: string, path: string, bytes: number, filename: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: createReadStream(path),
        ContentLength: bytes,
        ContentType: 'text/csv; charset=utf-8',
        // Stored with the object too, for S3 look-alikes that ignore the link's response override.
        ContentDisposition: `attachment; filename="${filename}"`,
      }),
    );
  }

  link(key: string, filename: string, seconds: number): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentType: 'text/csv; charset=utf-8',
        ResponseContentDisposition: `attachment; filename="${filename}"`,
      }),
      { expiresIn: seconds },
    );
  }
}
