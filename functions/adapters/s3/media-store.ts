/**
 * Customers' media and agents' uploads in the private media bucket (fauxqs's S3 locally): one object per
 * media id under media/, its type as the object's Content-Type and its kind and file name as metadata, so
 * serving it needs no table. The bucket expires objects after a year (functions/resources.ts).
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MEDIA_KINDS, type MediaKind, type StoredMediaInfo } from '../../domain/media';
import type { MediaStore } from '../../ports';

const keyOf = (id: string) => `media/${id}`;

export class S3MediaStore implements MediaStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async put(info: StoredMediaInfo, bytes: Uint8Array): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: keyOf(info.id),
        Body: bytes,
        ContentType: info.mimeType,
        ContentLength: bytes.byteLength,
        // Metadata travels as HTTP headers: ASCII only, so the file name is percent-encoded.
        Metadata: {
          kind: info.kind,
          ...(info.filename ? { filename: encodeURIComponent(info.filename) } : {}),
        },
      }),
    );
  }

  async head(id: string): Promise<StoredMediaInfo | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: keyOf(id) }));
      return infoOf(id, out);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async open(id: string) {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: keyOf(id) }));
      if (!out.Body) return undefined;
      return { info: infoOf(id, out), body: out.Body.transformToWebStream() as ReadableStream<Uint8Array> };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /**
   * A link to the object that works for `seconds`, for a file too large for a Lambda answer; it names the
   * stored type and disposition so the browser shows or saves it as GET /api/media would.
   */
  async link(info: StoredMediaInfo, disposition: string, seconds: number): Promise<string> {
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: keyOf(info.id),
        ResponseContentType: info.mimeType,
        ResponseContentDisposition: disposition,
        ResponseCacheControl: 'private, max-age=300',
      }),
      { expiresIn: seconds },
    );
  }

  async read(id: string) {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: keyOf(id) }));
      if (!out.Body) return undefined;
      return { info: infoOf(id, out), bytes: await out.Body.transformToByteArray() };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }
}

function infoOf(
  id: string,
  out: { ContentType?: string; ContentLength?: number; Metadata?: Record<string, string> },
): StoredMediaInfo {
  const kind = MEDIA_KINDS.find((k) => k === out.Metadata?.kind) ?? ('document' as MediaKind);
  const filename = out.Metadata?.filename ? safeDecode(out.Metadata.filename) : undefined;
  return {
    id,
    kind,
    mimeType: out.ContentType ?? 'application/octet-stream',
    size: out.ContentLength ?? 0,
    ...(filename ? { filename } : {}),
  };
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** HEAD answers a bare 404 (NotFound), GET a NoSuchKey error. */
function isMissing(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
}
