/**
 * Files too large for a Lambda answer: GET /api/media/{id} redirects to a signed link on the media bucket
 * (fauxqs's S3 here), which serves the same bytes with the stored type and disposition, and expires.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { OpenAPIHono } from '@hono/zod-openapi';
import { S3MediaStore } from '../../functions/adapters/s3/media-store';
import type { AppEnv } from '../../functions/http/app-env';
import { registerMediaRoutes } from '../../functions/http/routes/media';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/platform';
import { ensureBucket } from '../../local/provision';
import { endpoints, uniqueSuffix } from '../support/aws';

describe('large media through a signed link', () => {
  const s3 = new S3Client({
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoint: endpoints().sqsEndpoint,
    forcePathStyle: true,
  });
  const bucket = `wa-media-link-${uniqueSuffix()}`;
  const store = new S3MediaStore(s3, bucket);
  const bytes = new Uint8Array(64 * 1024).map((_, i) => i % 251);
  const info = {
    id: 'up_01JZ8Q7W6V5T4S3R2Q1P0N9M8K',
    kind: 'document' as const,
    mimeType: 'application/pdf',
    size: bytes.length,
    filename: 'price list.pdf',
  };

  function app(redirectAboveBytes?: number) {
    const a = new OpenAPIHono<AppEnv>();
    registerMediaRoutes(a, {
      media: {
        store,
        maxBytes: 16 * 1024 * 1024,
        ...(redirectAboveBytes === undefined ? {} : { redirectAboveBytes }),
      },
      clock: { now: () => new Date() },
    });
    return a;
  }

  beforeAll(async () => {
    await ensureBucket(s3, bucket);
    await store.put(info, bytes);
  });
  afterAll(() => s3.destroy());

  it('redirects a file over the limit to a signed link that serves it as the API would', async () => {
    const res = await app(1024).request(`/api/media/${info.id}`);
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const link = res.headers.get('location')!;
    expect(link).toContain('X-Amz-Signature=');
    expect(link).toContain('X-Amz-Expires=60');
    const file = await fetch(link);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    // S3 answers with the disposition the link names (the emulator keeps the stored one instead).
    expect(new URL(link).searchParams.get('response-content-disposition')).toContain(
      'attachment; filename="price list.pdf"',
    );
  });

  it('passes a file under the limit (or with no limit, locally) through the API itself; 404s are in the media e2e test', async () => {
    for (const limit of [1024 * 1024, undefined]) {
      const res = await app(limit).request(`/api/media/${info.id}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).length).toBe(bytes.length);
    }
  });
});
