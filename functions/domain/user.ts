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

/** What a wrong password does to the account: counted, and locked at the limit. */
export function afterFailedSignIn(
  user: Pick<User, 'failedSignIns'>,
  now: Date,
): Pick<User, 'failedSignIns' | 'lockedUntil'> {
  const failedSignIns = user.failedSignIns + 1;
  if (failedSignIns < LOCKOUT.attempts) return { failedSignIns };
  return { failedSignIns: 0, lockedUntil: new Date(now.getTime() + LOCKOUT.minutes * 60_000).toISOString() };
}

/** The public view of a user: never the hash. */
export function publicUser(user: StoredUser | User): User {
  const { passwordHash: _h, ...rest } = user as StoredUser;
  return rest;
}
