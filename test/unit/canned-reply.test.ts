import {
  type CannedReply,
  expandShortcut,
  matchingShortcuts,
  shortcutProblem,
} from '../../functions/domain/canned-reply';

const replies: CannedReply[] = [
  { shortcut: 'hours', text: 'We are open 9:00 to 17:00.', updatedAt: '2026-12-01T00:00:00Z' },
  { shortcut: 'hours-sat', text: 'On Saturdays we open 10:00 to 14:00.', updatedAt: '2026-12-01T00:00:00Z' },
  { shortcut: 'thanks', text: 'Thank you for writing!', updatedAt: '2026-12-01T00:00:00Z' },
];

describe('canned replies', () => {
  it('expand a leading known shortcut and keep what follows it', () => {
    expect(expandShortcut('/hours', replies)).toBe('We are open 9:00 to 17:00.');
    expect(expandShortcut('/thanks Maria', replies)).toBe('Thank you for writing! Maria');
    expect(expandShortcut('/hours-sat', replies)).toBe('On Saturdays we open 10:00 to 14:00.');
  });

  it('leave anything else alone', () => {
    expect(expandShortcut('/unknown', replies)).toBeUndefined();
    expect(expandShortcut('see /hours', replies)).toBeUndefined();
    expect(expandShortcut('/hoursx', replies)).toBeUndefined();
    expect(expandShortcut('', replies)).toBeUndefined();
  });

  it('suggest the shortcuts that start with what is typed', () => {
    expect(matchingShortcuts('/ho', replies).map((r) => r.shortcut)).toEqual(['hours', 'hours-sat']);
    expect(matchingShortcuts('/', replies)).toHaveLength(3);
    expect(matchingShortcuts('/hours ', replies)).toEqual([]);
    expect(matchingShortcuts('hours', replies)).toEqual([]);
  });

  it('accept shortcuts that are easy to type, and say what is wrong with others', () => {
    expect(shortcutProblem('hours-sat_2')).toBeUndefined();
    for (const bad of ['Hours', '-x', 'with space', 'a'.repeat(33), ''])
      expect(shortcutProblem(bad)).toMatch(/letters/);
  });
});
