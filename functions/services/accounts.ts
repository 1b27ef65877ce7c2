/**
 * Console accounts: sign-in (throttled per account and per address), sessions, and what admins do to
 * users. A session's token lives only in the browser's HttpOnly cookie; the store keeps its hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ulid } from 'ulid';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from '../domain/password';
import {
  ADDRESS_LIMIT,
  isLocked,
  LOCKOUT,
  lockAfterFailedSignIns,
  normalizeEmail,
  publicUser,
  type Role,
  SESSION_HOURS,
  type StoredUser,
  type User,
} from '../domain/user';
import type { Logger } from '../logger';
import type { Clock, Session, SessionStore, SignInThrottle, UserStore } from '../ports';

/** Why a sign-in or account change was refused, in words, with the HTTP status the API answers. */
export class AccountRefusal extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 423 | 429,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface AccountsDeps {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly throttle: SignInThrottle;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * In AWS, the first admin the stack set up (its one-time password is in the admin secret): created by
   * the first sign-in as that address on a platform with no user yet, so no cold start pays for it.
   */
  readonly firstAdmin?: { readonly email: string; readonly password: string };
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const INVALID = () =>
  new AccountRefusal(401, 'invalid_credentials', 'the e-mail address or the password is wrong');

export class Accounts {
  constructor(private readonly d: AccountsDeps) {}

  async signIn(
    email: string,
    password: string,
    address: string,
  ): Promise<{ token: string; session: Session; user: User }> {
    const now = this.d.clock.now();
    await this.refuseThrottled(address, now);
    const user = (await this.d.users.byEmail(email)) ?? (await this.firstAdminFor(email));
    if (user) this.refuseLocked(user, now);
    const good = user
      ? await verifyPassword(password, user.passwordHash)
      : (await hashPassword(password), false);
    if (!user || !good) {
      await this.d.throttle.fail(address, now, ADDRESS_LIMIT.windowMinutes);
      if (user) {
        // Counted by the store in one step: wrong passwords sent at once each count.
        const lock = lockAfterFailedSignIns(
          await this.d.users.countFailedSignIn(user.id, now.toISOString()),
          now,
        );
        if (lock) {
          await this.d.users.update(user.id, lock, now.toISOString());
          this.d.logger.warn('account locked after wrong passwords', { userId: user.id });
          throw new AccountRefusal(
            423,
            'account_locked',
            `too many wrong passwords: this account is locked until ${lock.lockedUntil}`,
            { lockedUntil: lock.lockedUntil },
          );
        }
      }
      throw INVALID();
    }
    // Again now that the password is known to be right: wrong ones sent at the same moment may have
    // locked the account, or reached the address's limit, while this one was being checked.
    await this.refuseThrottled(address, now);
    const current = (await this.d.users.get(user.id)) ?? user;
    this.refuseLocked(current, now);
    if (current.disabled)
      throw new AccountRefusal(403, 'account_disabled', 'this account is disabled; ask an admin');
    const signedIn =
      current.failedSignIns > 0 || current.lockedUntil
        ? await this.d.users.update(user.id, { failedSignIns: 0, lockedUntil: undefined }, now.toISOString())
        : current;
    const token = randomBytes(32).toString('base64url');
    const session: Session = {
      userId: user.id,
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000).toISOString(),
    };
    await this.d.sessions.create(hashToken(token), session);
    this.d.logger.info('signed in', { userId: user.id });
    return { token, session, user: publicUser(signedIn) };
  }

  private async refuseThrottled(address: string, now: Date): Promise<void> {
    if (
      (await this.d.throttle.failures(address, now, ADDRESS_LIMIT.windowMinutes)) >= ADDRESS_LIMIT.failures
    ) {
      throw new AccountRefusal(
        429,
        'too_many_attempts',
        `too many failed sign-ins from this address; try again in ${ADDRESS_LIMIT.windowMinutes} minutes`,
      );
    }
  }

  private refuseLocked(user: StoredUser, now: Date): void {
    if (isLocked(user, now)) {
      throw new AccountRefusal(
        423,
        'account_locked',
        `this account is locked after ${LOCKOUT.attempts} wrong passwords until ${user.lockedUntil}; try again then, or ask an admin to reset it`,
        { lockedUntil: user.lockedUntil },
      );
    }
  }

  /** The signed-in user of a session token, while the session lasts and the user is enabled. */
  async sessionFor(token: string): Promise<{ user: User; session: Session } | undefined> {
    const session = await this.d.sessions.get(hashToken(token));
    if (!session || Date.parse(session.expiresAt) <= this.d.clock.now().getTime()) return undefined;
    const user = await this.d.users.get(session.userId);
    if (!user || user.disabled) return undefined;
    return { user: publicUser(user), session };
  }

  async signOut(token: string): Promise<void> {
    await this.d.sessions.delete(hashToken(token));
  }

  async get(id: string): Promise<User | undefined> {
    const user = await this.d.users.get(id);
    return user ? publicUser(user) : undefined;
  }

  async list(): Promise<User[]> {
    return (await this.d.users.list()).map(publicUser);
  }

  /** A new account with a one-time password, shown once; the user chooses their own at first sign-in. */
  async create(input: {
    email: string;
    name: string;
    role: Role;
    password?: string;
  }): Promise<{ user: User; password: string }> {
    const password = input.password ?? generatePassword();
    const now = this.d.clock.now().toISOString();
    const user: StoredUser = {
      id: ulid(),
      email: normalizeEmail(input.email),
      name: input.name.trim(),
      role: input.role,
      disabled: false,
      mustChangePassword: true,
      failedSignIns: 0,
      createdAt: now,
      updatedAt: now,
      passwordHash: await hashPassword(password),
    };
    await this.d.users.create(user);
    return { user: publicUser(user), password };
  }

  async update(id: string, patch: { name?: string; role?: Role; disabled?: boolean }): Promise<User> {
    const updated = await this.d.users.update(id, patch, this.d.clock.now().toISOString());
    if (patch.disabled) await this.d.sessions.deleteForUser(id);
    return publicUser(updated);
  }

  /** A new one-time password (shown once); the account is unlocked and its sessions end. */
  async resetPassword(id: string): Promise<string> {
    const password = generatePassword();
    await this.d.users.update(
      id,
      {
        passwordHash: await hashPassword(password),
        mustChangePassword: true,
        failedSignIns: 0,
        lockedUntil: undefined,
      },
      this.d.clock.now().toISOString(),
    );
    await this.d.sessions.deleteForUser(id);
    return password;
  }

  async changePassword(userId: string, current: string, next: string): Promise<void> {
    const user = await this.d.users.get(userId);
    if (!user || !(await verifyPassword(current, user.passwordHash))) {
      throw new AccountRefusal(400, 'validation_failed', 'currentPassword: is not your current password', {
        field: 'currentPassword',
      });
    }
    const problem = passwordProblem(next);
    if (problem)
      throw new AccountRefusal(400, 'validation_failed', `newPassword: ${problem}`, { field: 'newPassword' });
    await this.d.users.update(
      userId,
      { passwordHash: await hashPassword(next), mustChangePassword: false },
      this.d.clock.now().toISOString(),
    );
  }

  private async firstAdminFor(email: string) {
    const first = this.d.firstAdmin;
    if (!first || normalizeEmail(email) !== normalizeEmail(first.email)) return undefined;
    const created = await this.ensureFirstAdmin(first.email, first.password);
    if (created) this.d.logger.info('first admin created', { userId: created.id });
    return this.d.users.byEmail(email);
  }

  /**
   * The first admin of an empty platform: locally with a password printed in the banner, in AWS with the
   * one from the stack's generated secret. Nothing happens once any user exists.
   */
  async ensureFirstAdmin(email: string, password: string): Promise<User | undefined> {
    if (await this.d.users.any()) return undefined;
    try {
      return (await this.create({ email, name: 'Admin', role: 'admin', password })).user;
    } catch (error) {
      // Another container created it at the same moment.
      if ((error as Error).name === 'ConflictError') return undefined;
      throw error;
    }
  }
}
