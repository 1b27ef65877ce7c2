import { describeRow, fieldProblem, problemOf } from '../../web/src/problems';

describe('problemOf: API error answers in words', () => {
  it('maps a validation answer to messages per field', () => {
    const p = problemOf(400, {
      error: {
        code: 'validation_failed',
        message: 'name: Required; recipients.2.phone: too long',
        details: [
          { field: 'name', message: 'Required' },
          { field: 'recipients.2.phone', message: 'too long' },
        ],
      },
    });
    expect(p.code).toBe('validation_failed');
    expect(fieldProblem(p, 'name')).toBe('Required');
    // A nested problem shows on its parent field with the rest of its path.
    expect(fieldProblem(p, 'recipients')).toBe('2.phone: too long');
    expect(fieldProblem(p, 'templateId')).toBeUndefined();
  });

  it('keeps CSV row problems with their lines', () => {
    const p = problemOf(422, {
      error: {
        code: 'invalid_contacts',
        message: '1 row cannot be used; nothing was stored',
        details: { rows: [{ row: 3, phone: '12ab', problems: ['not a phone number'] }] },
      },
    });
    expect(p.rows).toHaveLength(1);
    expect(describeRow(p.rows[0]!)).toBe('line 3 (12ab): not a phone number');
  });

  it('names the field of a single-field answer', () => {
    const p = problemOf(422, {
      error: { code: 'message_too_long', message: 'body is 5000 characters', details: { field: 'body' } },
    });
    expect(fieldProblem(p, 'body')).toBe('body is 5000 characters');
  });

  it('says something in words when the body is not an API error', () => {
    expect(problemOf(502, '<html>Bad gateway</html>').message).toMatch(/server failed/);
    expect(problemOf(404, undefined).message).toMatch(/HTTP 404/);
    // API Gateway's own refusal of a large upload carries no platform error.
    expect(problemOf(413, { message: 'Request Entity Too Large' }).message).toMatch(
      /too large .* about 4 MB/,
    );
  });
});
