import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The real WhatsApp payloads shared by the whole project: `../shared/fixtures/whatsapp` beside the
 * repository (as in CI), or WHATSAPP_FIXTURES_DIR.
 */
export const FIXTURE_DIR =
  process.env.WHATSAPP_FIXTURES_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'whatsapp');

function dir(): string {
  if (!existsSync(FIXTURE_DIR)) {
    throw new Error(
      `WhatsApp fixtures not found at ${FIXTURE_DIR}: check out shared/ beside the repository or set WHATSAPP_FIXTURES_DIR`,
    );
  }
  return FIXTURE_DIR;
}

export function fixtureText(name: string): string {
  return readFileSync(join(dir(), name), 'utf8');
}

export function fixtureJson<T = unknown>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

export function fixtureNames(prefix = ''): string[] {
  return readdirSync(dir())
    .filter((f) => f.endsWith('.json') && f.startsWith(prefix))
    .sort();
}
