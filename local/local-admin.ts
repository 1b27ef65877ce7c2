import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePassword } from '../functions/domain/password';
import type { Accounts } from '../functions/services/accounts';

export interface LocalAdmin {
  readonly email: string;
  /** The password the banner shows: the first admin's, unless it was changed since. */
  readonly password?: string;
  readonly source: 'created' | 'kept' | 'existing';
}

/**
 * The console's first admin. On an empty platform one is created with a generated password, kept in the
 * data directory (mode 0600) so the banner can show it again after a restart; the console asks for a
 * new password at the first sign-in. In memory, a new admin and password each start.
 */
export async function ensureLocalAdmin(options: {
  accounts: Accounts;
  email: string;
  dataDir?: string;
}): Promise<LocalAdmin> {
  const file = options.dataDir ? join(options.dataDir, 'local-admin-password') : undefined;
  const password = generatePassword();
  const created = await options.accounts.ensureFirstAdmin(options.email, password);
  if (created) {
    if (file && options.dataDir) {
      mkdirSync(options.dataDir, { recursive: true });
      writeFileSync(file, `${options.email}\n${password}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
    }
    return { email: options.email, password, source: 'created' };
  }
  const [email, saved] = (file ? readSaved(file) : '').split('\n');
  return saved
    ? { email: email ?? options.email, password: saved, source: 'kept' }
    : { email: options.email, source: 'existing' };
}

function readSaved(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
