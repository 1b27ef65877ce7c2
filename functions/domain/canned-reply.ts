/**
 * Canned replies: texts an admin writes once and agents insert by typing `/shortcut` in the reply box.
 * Pure, so the console expands them exactly as the API validates them.
 */

export interface CannedReply {
  readonly shortcut: string;
  readonly text: string;
  readonly updatedAt: string;
  readonly updatedBy?: string;
}

/** Lower-case letters, digits, "-" and "_", starting with a letter or digit: easy to type after "/". */
export const SHORTCUT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export function shortcutProblem(shortcut: string): string | undefined {
  return SHORTCUT_PATTERN.test(shortcut)
    ? undefined
    : 'a shortcut is 1 to 32 lower-case letters, digits, "-" or "_", starting with a letter or digit';
}

/**
 * The reply box's text with a leading `/shortcut` replaced by its canned text (anything typed after the
 * shortcut is kept after it); undefined when the text does not start with a known shortcut.
 */
export function expandShortcut(text: string, replies: readonly CannedReply[]): string | undefined {
  const match = /^\/([a-z0-9][a-z0-9_-]{0,31})(?=\s|$)(.*)$/s.exec(text);
  if (!match) return undefined;
  const reply = replies.find((r) => r.shortcut === match[1]);
  if (!reply) return undefined;
  const rest = match[2]!.trim();
  return rest ? `${reply.text} ${rest}` : reply.text;
}

/** The canned replies whose shortcut starts with what follows the "/" being typed (for suggestions). */
export function matchingShortcuts(text: string, replies: readonly CannedReply[]): CannedReply[] {
  const match = /^\/([a-z0-9_-]*)$/.exec(text);
  if (!match) return [];
  return replies.filter((r) => r.shortcut.startsWith(match[1]!)).slice(0, 8);
}
