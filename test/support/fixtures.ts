import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The real WhatsApp payloads shared by the whole project (../shared/fixtures/whatsapp). */
export const FIXTURE_DIR = join(__dirname, '..', '..', '..', 'shared', 'fixtures', 'whatsapp');

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURE_DIR, name), 'utf8');
}

export function fixtureNames(prefix = ''): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.json') && f.startsWith(prefix))
    .sort();
}
