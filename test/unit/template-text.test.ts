import { parseTemplateText, renderSegments } from '../../functions/domain/template-text';

describe('parseTemplateText', () => {
  it('lists variables in first-use order, once each, allowing spaces inside the braces', () => {
    const r = parseTemplateText('Hi {{ customerName }}, order {{orderId}} for {{customerName}}');
    expect(r.ok && r.variables).toEqual(['customerName', 'orderId']);
  });

  it('treats single braces as text', () => {
    const r = parseTemplateText('JSON looks like {"a": 1} and {x}');
    expect(r.ok && r.variables).toEqual([]);
  });

  it.each([
    ['Hello {{name', 'unclosed "{{" at position 6'],
    ['Hello name}}', 'unmatched "}}" at position 10'],
    ['Hello {{}}', 'empty placeholder at position 6'],
    ['Hello {{  }}', 'empty placeholder at position 6'],
    ['Hi {{1st}}', 'invalid variable name "1st" at position 3'],
    ['Hi {{first-name}}', 'invalid variable name "first-name" at position 3'],
    ['A {{a {{b}}', 'unclosed "{{" at position 2'],
  ])('rejects %j naming the position', (text, message) => {
    const r = parseTemplateText(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringContaining(message));
  });

  it('reports every problem, not just the first', () => {
    const r = parseTemplateText('{{}} and {{bad-name}} and }}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.position)).toEqual([0, 9, 26]);
  });
});

describe('renderSegments', () => {
  const parsed = parseTemplateText('Hello {{customerName}}! Your code is {{code}}.');
  if (!parsed.ok) throw new Error('fixture must parse');

  it('fills values, falling back to defaults', () => {
    expect(renderSegments(parsed.segments, { customerName: 'John' }, { code: 'WELCOME' })).toEqual({
      ok: true,
      text: 'Hello John! Your code is WELCOME.',
    });
  });

  it('lists every missing variable, treating blank values as missing', () => {
    expect(renderSegments(parsed.segments, { customerName: '   ' })).toEqual({
      ok: false,
      missing: ['customerName', 'code'],
    });
  });
});
