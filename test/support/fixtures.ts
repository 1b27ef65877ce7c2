import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The real WhatsApp payloads and error bodies the tests replay, kept in the repository with their
 * sources (test/fixtures/whatsapp/SOURCES.md), so a clone needs nothing beside it.
 */
export const FIXTURE_DIR = join(__dirname, '..', 'fixtures', 'whatsapp');

function dir(): string {
  if (!existsSync(FIXTURE_DIR)) throw new Error(`WhatsApp fixtures not found at ${FIXTURE_DIR}`);
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
