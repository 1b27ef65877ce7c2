import { createHash } from 'node:crypto';
import { buildGraphPayload } from '../../functions/domain/graph-payload';
import {
  checkAnnounced,
  checkDownloaded,
  checksumMatches,
  DEFAULT_MEDIA_MAX_BYTES,
  describeGivingUp,
  describeMediaProblem,
  formatBytes,
  inboundMediaId,
  isMediaId,
  isTransient,
  limitFor,
  mimeEssence,
  outgoingMediaProblem,
  readInboundMedia,
  safeFilename,
  sentMedia,
  uploadKindOf,
} from '../../functions/domain/media';
import { describeContent, mediaContent } from '../../functions/domain/outbound-message';
import { readNotification, updatesOf } from '../../functions/domain/webhook';
import { contentDisposition } from '../../functions/http/routes/media';
import { fixtureJson } from '../support/fixtures';

const MB = 1024 * 1024;

/** The raw `messages[0]` of a fixture. */
function rawMessage(file: string): Record<string, unknown> {
  const notification = readNotification(fixtureJson(file));
  if (!notification.ok) throw new Error(notification.reason);
  const update = updatesOf(notification.changes[0]!)[0]!;
  if (update.kind !== 'message') throw new Error(`${file} holds no message`);
  return update.raw;
}

describe('media limits and types', () => {
  it("follows WhatsApp's limit per kind, under the platform's cap", () => {
    expect(limitFor('image', DEFAULT_MEDIA_MAX_BYTES)).toBe(5 * MB);
    expect(limitFor('audio', DEFAULT_MEDIA_MAX_BYTES)).toBe(16 * MB);
    expect(limitFor('video', DEFAULT_MEDIA_MAX_BYTES)).toBe(16 * MB);
    expect(limitFor('sticker', DEFAULT_MEDIA_MAX_BYTES)).toBe(500 * 1024);
    // A 100 MB document is WhatsApp's limit; the platform holds at most 16 MB unless told otherwise.
    expect(limitFor('document', DEFAULT_MEDIA_MAX_BYTES)).toBe(16 * MB);
    expect(limitFor('document', 200 * MB)).toBe(100 * MB);
    expect(limitFor('image', 2 * MB)).toBe(2 * MB);
  });

  it('says sizes as people do', () => {
    expect(formatBytes(7.2 * MB)).toBe('7.2 MB');
    expect(formatBytes(5 * MB)).toBe('5 MB');
    expect(formatBytes(480 * 1024)).toBe('480 KB');
    expect(formatBytes(12)).toBe('1 KB');
  });

  it('reads types without their parameters and knows which kind an upload is', () => {
    expect(mimeEssence('audio/ogg; codecs=opus')).toBe('audio/ogg');
    expect(mimeEssence(' Image/JPEG ')).toBe('image/jpeg');
    expect(uploadKindOf('image/png')).toBe('image');
    expect(uploadKindOf('application/pdf')).toBe('document');
    expect(uploadKindOf('audio/ogg; codecs=opus')).toBe('audio');
    expect(uploadKindOf('video/mp4')).toBe('video');
    expect(uploadKindOf('image/webp')).toBeUndefined(); // a sticker: not sent from the inbox
    expect(uploadKindOf('image/gif')).toBeUndefined();
    expect(uploadKindOf('text/html')).toBeUndefined();
  });

  it('checks what WhatsApp announced before downloading, and what came after', () => {
    expect(
      checkAnnounced('image', { mimeType: 'image/jpeg', size: 100 }, DEFAULT_MEDIA_MAX_BYTES),
    ).toBeUndefined();
    expect(checkAnnounced('image', { mimeType: 'image/gif' }, DEFAULT_MEDIA_MAX_BYTES)).toEqual({
      reason: 'type_not_allowed',
      mimeType: 'image/gif',
    });
    expect(
      checkAnnounced('image', { mimeType: 'image/jpeg', size: 7.2 * MB }, DEFAULT_MEDIA_MAX_BYTES),
    ).toEqual({
      reason: 'too_large',
      size: 7.2 * MB,
      limit: 5 * MB,
    });
    const fine = { contentType: 'image/jpeg', size: 10 };
    expect(checkDownloaded('image', 'image/jpeg', fine, DEFAULT_MEDIA_MAX_BYTES)).toBeUndefined();
    // A download that names no type, or only octet-stream, contradicts nothing.
    expect(checkDownloaded('image', 'image/jpeg', { size: 10 }, DEFAULT_MEDIA_MAX_BYTES)).toBeUndefined();
    expect(
      checkDownloaded('image', 'image/jpeg', { contentType: 'application/octet-stream', size: 10 }, MB),
    ).toBeUndefined();
    expect(
      checkDownloaded('image', 'image/jpeg', { contentType: 'text/html; charset=utf-8', size: 10 }, MB),
    ).toEqual({ reason: 'type_mismatch', announced: 'image/jpeg', received: 'text/html' });
  });
});

describe('media problems in words', () => {
  it('says each reason as an agent reads it', () => {
    expect(describeMediaProblem('image', { reason: 'too_large', size: 7.2 * MB, limit: 5 * MB })).toBe(
      'the image is 7.2 MB; the limit is 5 MB',
    );
    expect(
      describeMediaProblem('video', { reason: 'too_large', size: 16 * MB, limit: 16 * MB, atLeast: true }),
    ).toBe('the video is over 16 MB; the limit is 16 MB');
    expect(describeMediaProblem('image', { reason: 'type_not_allowed', mimeType: 'image/gif' })).toBe(
      'the image has the type image/gif, which is not kept for an image (allowed: image/jpeg, image/png)',
    );
    expect(describeMediaProblem('document', { reason: 'link_expired' })).toBe(
      'the download link for the document expired before it could be fetched',
    );
    expect(
      describeMediaProblem('audio', {
        reason: 'graph_error',
        httpStatus: 400,
        code: 100,
        message: 'Unsupported get request',
        transient: false,
      }),
    ).toBe('the Graph API refused the audio message (HTTP 400, error 100): Unsupported get request');
    expect(
      describeGivingUp(
        'image',
        { reason: 'graph_error', httpStatus: 503, message: 'no error details', transient: true },
        5,
      ),
    ).toBe('the Graph API could not serve the image (HTTP 503): no error details (gave up after 5 attempts)');
    expect(describeMediaProblem('sticker', { reason: 'no_media_id' })).toBe(
      'WhatsApp sent a sticker without a media id, so it cannot be fetched',
    );
  });

  it('retries only what may work later', () => {
    expect(isTransient({ reason: 'unreachable', message: 'timeout' })).toBe(true);
    expect(isTransient({ reason: 'store_failed', message: 'S3 down' })).toBe(true);
    expect(isTransient({ reason: 'checksum_mismatch' })).toBe(true);
    expect(isTransient({ reason: 'graph_error', message: 'x', transient: true })).toBe(true);
    expect(isTransient({ reason: 'graph_error', message: 'x', transient: false })).toBe(false);
    expect(isTransient({ reason: 'too_large', size: 2, limit: 1 })).toBe(false);
    expect(isTransient({ reason: 'type_not_allowed', mimeType: 'image/gif' })).toBe(false);
    expect(isTransient({ reason: 'link_expired' })).toBe(false);
  });
});

describe('checksums', () => {
  const bytes = Buffer.from('the bytes of a photo');
  const digest = createHash('sha256').update(bytes).digest();

  it('reads hex and base64 (Meta writes both), and says when a value cannot be checked', () => {
    expect(checksumMatches(digest.toString('hex'), digest)).toBe(true);
    expect(checksumMatches(digest.toString('hex').toUpperCase(), digest)).toBe(true);
    expect(checksumMatches(digest.toString('base64'), digest)).toBe(true);
    expect(checksumMatches(digest.toString('base64url'), digest)).toBe(true);
    const other = createHash('sha256').update('something else').digest();
    expect(checksumMatches(other.toString('hex'), digest)).toBe(false);
    expect(checksumMatches(other.toString('base64'), digest)).toBe(false);
    // The fixtures' placeholders ("4654+8g=") are no digest at all.
    expect(checksumMatches('4654+8g=', digest)).toBeUndefined();
  });
});

describe("a customer's media in the webhook", () => {
  it('reads the media id, type, checksum, name and caption from the real payloads', () => {
    expect(readInboundMedia(rawMessage('04-image.json'))).toEqual({
      kind: 'image',
      whatsappId: '65463453',
      mimeType: 'image/jpeg',
      sha256: '4654+8g=',
    });
    expect(readInboundMedia(rawMessage('05-document.json'))).toEqual({
      kind: 'document',
      whatsappId: '1234567890987654321',
      mimeType: 'application/pdf',
      sha256: 'grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc18SY=',
      filename: 'filename.pdf',
      caption: 'caption',
    });
    expect(readInboundMedia(rawMessage('06-audio-voice.json'))).toMatchObject({ kind: 'audio', voice: true });
    expect(readInboundMedia(rawMessage('07-video-forwarded.json'))).toMatchObject({
      kind: 'video',
      caption: 'caption',
    });
    expect(readInboundMedia(rawMessage('08-sticker-animated.json'))).toMatchObject({
      kind: 'sticker',
      mimeType: 'image/webp',
      animated: true,
    });
    expect(readInboundMedia(rawMessage('01-text-meta-dashboard-test.json'))).toBeUndefined();
    expect(readInboundMedia({ type: 'image', image: {} })).toEqual({ kind: 'image' });
  });

  it('keeps a file name that is safe in a header and on a disk', () => {
    expect(safeFilename('../../etc/passwd')).toBe('passwd');
    expect(safeFilename('C:\\Users\\me\\report "final".pdf')).toBe('report final.pdf');
    expect(safeFilename('a\u0000b\r\nc.txt')).toBe('abc.txt');
    expect(safeFilename('..')).toBeUndefined();
    expect(safeFilename('x'.repeat(300))).toHaveLength(200);
  });

  it('gives each WhatsApp media id one stable id of ours', () => {
    const id = inboundMediaId('65463453');
    expect(id).toBe(inboundMediaId('65463453'));
    expect(id).not.toBe(inboundMediaId('65463454'));
    expect(isMediaId(id)).toBe(true);
    expect(isMediaId('up_01JZ8Q7W6V5T4S3R2Q1P0N9M8K')).toBe(true);
    expect(isMediaId('../media/x')).toBe(false);
    expect(isMediaId('in_short')).toBe(false);
  });
});

describe('media an agent sends', () => {
  const upload = {
    id: 'up_01JZ8Q7W6V5T4S3R2Q1P0N9M8K',
    kind: 'image' as const,
    mimeType: 'image/png',
    size: 2048,
  };

  it('refuses what WhatsApp would refuse, in words', () => {
    expect(outgoingMediaProblem({ ...upload, caption: 'Here it is' })).toBeUndefined();
    expect(outgoingMediaProblem({ ...upload, id: 'in_0f3c2a9b8e7d6c5b4a39281706f5e4d3' })).toMatch(
      /not an uploaded media id/,
    );
    expect(outgoingMediaProblem({ ...upload, mimeType: 'application/pdf' })).toMatch(
      /application\/pdf is not an image type/,
    );
    expect(outgoingMediaProblem({ ...upload, caption: 'x'.repeat(1025) })).toMatch(/1025 characters/);
    expect(outgoingMediaProblem({ ...upload, kind: 'audio', mimeType: 'audio/mpeg', caption: 'hi' })).toBe(
      'WhatsApp sends audio without a caption',
    );
  });

  it('becomes an upload reference, sent by the id WhatsApp answers, and shown like inbound media', () => {
    const content = mediaContent({ ...upload, caption: 'Here it is' });
    expect(content).toEqual({
      kind: 'media',
      media: { type: 'image', storedId: upload.id, mimeType: 'image/png', size: 2048 },
      caption: 'Here it is',
    });
    expect(describeContent(content)).toBe('[image] Here it is');
    expect(() => buildGraphPayload({ to: '+4915112345678', content })).toThrow(/must be uploaded/);
    const document = {
      kind: 'media' as const,
      media: { type: 'document' as const, whatsappId: '1376223850470843', filename: 'order.pdf' },
      caption: 'Your order',
    };
    expect(buildGraphPayload({ to: '+4915112345678', content: document })).toMatchObject({
      type: 'document',
      document: { id: '1376223850470843', filename: 'order.pdf', caption: 'Your order' },
    });
    expect(describeContent(document)).toBe('[document order.pdf] Your order');
    expect(
      buildGraphPayload({
        to: '+4915112345678',
        content: { kind: 'media', media: { type: 'audio', whatsappId: '1' }, caption: 'dropped' },
      }),
    ).toMatchObject({ type: 'audio', audio: { id: '1' } });
    const stored = { type: 'image' as const, storedId: upload.id, mimeType: 'image/png', size: 2048 };
    expect(sentMedia(stored, 'Here it is')).toEqual({
      id: upload.id,
      kind: 'image',
      mimeType: 'image/png',
      size: 2048,
      caption: 'Here it is',
      url: `/api/media/${upload.id}`,
    });
  });

  it('is served inline, or as an attachment under its name', () => {
    expect(contentDisposition({ kind: 'image' })).toBe('inline');
    expect(contentDisposition({ kind: 'document', filename: 'report.pdf' })).toBe(
      `attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`,
    );
    expect(contentDisposition({ kind: 'document', filename: "Rechnung März (1)'s.pdf" })).toBe(
      `attachment; filename="Rechnung M_rz (1)'s.pdf"; filename*=UTF-8''Rechnung%20M%C3%A4rz%20%281%29%27s.pdf`,
    );
  });
});
