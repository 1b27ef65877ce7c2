/**
 * People who use the console: admins manage users, API keys and settings; agents run campaigns and answer
 * customers. Sign-in is throttled per account (five wrong passwords lock it for a while, and it says so)
 * and per address.
 */
export type Role = 'admin' | 'agent';
export const ROLES: readonly Role[] = ['admin', 'agent'];

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
  readonly disabled: boolean;
  /** Set for a password given by someone else (the first admin's, a reset): the console asks for a new one. */
  readonly mustChangePassword: boolean;
  readonly failedSignIns: number;
  readonly lockedUntil?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface StoredUser extends User {
  readonly passwordHash: string;
}

export const LOCKOUT = { attempts: 5, minutes: 15 } as const;
/** Per address: at most this many failed sign-ins in a window, whatever the accounts. */
export const ADDRESS_LIMIT = { failures: 20, windowMinutes: 15 } as const;
export const SESSION_HOURS = 12;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isLocked(user: Pick<User, 'lockedUntil'>, now: Date): boolean {
  return user.lockedUntil !== undefined && Date.parse(user.lockedUntil) > now.getTime();
}

/**
 * The lock the n-th wrong password in a row puts on the account (the count, this one included, as the store
 * counted it), or undefined below the limit. A lock starts the count again.
 */
export function lockAfterFailedSignIns(
  failedSignIns: number,
  now: Date,
): Pick<User, 'failedSignIns' | 'lockedUntil'> | undefined {
  if (failedSignIns < LOCKOUT.attempts) return undefined;
  return { failedSignIns: 0, lockedUntil: new Date(now.getTime() + LOCKOUT.minutes * 60_000).toISOString() };
}

/** The public view of a user: never the hash. */
export function publicUser(user: StoredUser | User): User {
  const { passwordHash: _h, ...rest } = user as StoredUser;
  return rest;
}
