import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePassword } from '../functions/domain/password';
import type { Accounts } from '../functions/services/accounts';

export interface LocalAdmin {
  readonly email: string;
  /** The password the banner shows: the first admin's, unless it was changed since. */
  readonly password?: string;
  /** `changed`: the admin chose their own password since, so the saved one opens nothing. */
  readonly source: 'created' | 'kept' | 'changed' | 'existing';
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
  const [email = options.email, saved] = (file ? readSaved(file) : '').split('\n');
  if (!saved) return { email: options.email, source: 'existing' };
  const admin = (await options.accounts.list()).find((u) => u.email === email);
  return admin?.mustChangePassword
    ? { email, password: saved, source: 'kept' }
    : { email, source: 'changed' };
}

function readSaved(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
