/**
 * Console accounts over in-memory ports with a controllable clock: sign-in and its two throttles (the
 * account's lockout, the address's limit), sessions, and what admins do to users; and the password hashes.
 * scrypt takes ~0.1 s a hash, so users are seeded with one hash made once, and bursts run in parallel.
 */
import {
  generatePassword,
  hashPassword,
  passwordProblem,
  verifyPassword,
} from '../../functions/domain/password';
import { ADDRESS_LIMIT, LOCKOUT, SESSION_HOURS, type StoredUser } from '../../functions/domain/user';
import { createLogger } from '../../functions/logger';
import { AccountRefusal, Accounts, hashToken } from '../../functions/services/accounts';
import { MemoryClock, MemorySessions, MemorySignInThrottle, MemoryUsers } from '../support/memory-ports';

const PASSWORD = 'correct horse battery';
const WRONG = 'wrong horse battery';
const HERE = '198.51.100.7';
const MINUTE = 60_000;

/** What a refused call threw, checked to be an AccountRefusal. */
async function refusal(call: Promise<unknown>): Promise<AccountRefusal> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AccountRefusal);
  return error as AccountRefusal;
}

// Generous for a busy machine: the heavier tests make up to ten scrypt hashes.
jest.setTimeout(30_000);

describe('passwords', () => {
  it('hashes with scrypt and a salt, and verifies only the same password', async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(a).not.toContain(PASSWORD);
    // Different salts: the same password hashes differently each time.
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    const [okA, okB, wrong] = await Promise.all([
      verifyPassword(PASSWORD, a),
      verifyPassword(PASSWORD, b),
      verifyPassword(WRONG, a),
    ]);
    expect([okA, okB, wrong]).toEqual([true, true, false]);
  });

  it.each([
    ['empty', ''],
    ['not scrypt', 'bcrypt$2b$10$abcdefghijklmnopqrstuv'],
    ['without the hash', 'scrypt$32768$8$1$c2FsdHNhbHRzYWx0c2FsdA$'],
    ['too few parts', 'scrypt$32768$8'],
    ['N not a number', 'scrypt$abc$8$1$c2FsdA$aGFzaA'],
    ['N not a power of two', 'scrypt$1000$8$1$c2FsdA$aGFzaA'],
    ['N negative', 'scrypt$-1$8$1$c2FsdA$aGFzaA'],
    ['N over the memory limit', 'scrypt$1073741824$8$1$c2FsdA$aGFzaA'],
    ['a hash of another length', 'scrypt$16384$8$1$c2FsdA$aGFzaA'],
  ])('a malformed stored hash (%s) matches nothing, and does not throw', async (_what, stored) => {
    await expect(verifyPassword(PASSWORD, stored)).resolves.toBe(false);
  });

  it('generates one-time passwords that pass the rules, and refuses short or very long ones', () => {
    const generated = generatePassword();
    expect(generated).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);
    expect(generatePassword()).not.toBe(generated);
    expect(passwordProblem(generated)).toBeUndefined();
    expect(passwordProblem('x'.repeat(11))).toBe('must be at least 12 characters');
    expect(passwordProblem('x'.repeat(12))).toBeUndefined();
    expect(passwordProblem('x'.repeat(201))).toBe('must be at most 200 characters');
  });
});

describe('Accounts', () => {
  let passwordHash: string;
  beforeAll(async () => {
    passwordHash = await hashPassword(PASSWORD);
  });

  function world(firstAdmin?: { email: string; password: string }) {
    const users = new MemoryUsers();
    const sessions = new MemorySessions();
    const throttle = new MemorySignInThrottle();
    // 10:00 UTC: the start of one of the throttle's 15-minute windows.
    const clock = new MemoryClock(new Date('2026-12-01T10:00:00Z'));
    const accounts = new Accounts({
      users,
      sessions,
      throttle,
      clock,
      logger: createLogger({ level: 'ERROR' }),
      ...(firstAdmin ? { firstAdmin } : {}),
    });
    let n = 0;
    /** A user whose password is PASSWORD, stored directly (no hashing). */
    const seed = (patch: Partial<StoredUser> = {}): StoredUser => {
      n += 1;
      const user: StoredUser = {
        id: `u${n}`,
        email: `user${n}@example.com`,
        name: `User ${n}`,
        role: 'agent',
        disabled: false,
        mustChangePassword: false,
        failedSignIns: 0,
        createdAt: clock.now().toISOString(),
        updatedAt: clock.now().toISOString(),
        passwordHash,
        ...patch,
      };
      users.items.set(user.id, user);
      return user;
    };
    return { users, sessions, throttle, clock, accounts, seed };
  }

  describe('sign-in', () => {
    it('signs in with the right password: a session of 12 hours, stored by the hash of its token', async () => {
      const { accounts, sessions, clock, seed } = world();
      const user = seed({ email: 'ann@example.com', role: 'admin' });
      const signedIn = await accounts.signIn('Ann@Example.com', PASSWORD, HERE);

      expect(signedIn.token).toMatch(/^[\w-]{43}$/);
      expect(signedIn.session).toEqual({
        userId: user.id,
        csrfToken: expect.stringMatching(/^[\w-]{32}$/),
        createdAt: '2026-12-01T10:00:00.000Z',
        expiresAt: '2026-12-01T22:00:00.000Z',
      });
      expect(signedIn.user).toMatchObject({ id: user.id, email: 'ann@example.com', role: 'admin' });
      expect(signedIn.user).not.toHaveProperty('passwordHash');
      // The store never sees the token itself.
      expect([...sessions.items.keys()]).toEqual([hashToken(signedIn.token)]);

      const found = await accounts.sessionFor(signedIn.token);
      expect(found?.user.id).toBe(user.id);
      expect(found?.session.csrfToken).toBe(signedIn.session.csrfToken);
      expect(found?.user).not.toHaveProperty('passwordHash');
      expect(await accounts.sessionFor('not-a-token')).toBeUndefined();

      // Sessions last SESSION_HOURS: a second before the end it works, at the end it does not.
      expect(SESSION_HOURS).toBe(12);
      clock.advance(12 * 3_600_000 - 1_000);
      expect(await accounts.sessionFor(signedIn.token)).toBeDefined();
      clock.advance(1_000);
      expect(await accounts.sessionFor(signedIn.token)).toBeUndefined();
    });

    it('counts wrong passwords, locks at the fifth for 15 minutes, and unlocks after', async () => {
      const { accounts, users, clock, seed } = world();
      const user = seed();
      expect(LOCKOUT).toEqual({ attempts: 5, minutes: 15 });

      for (let i = 1; i <= 4; i += 1) {
        const wrong = await refusal(accounts.signIn(user.email, WRONG, HERE));
        expect({ status: wrong.status, code: wrong.code }).toEqual({
          status: 401,
          code: 'invalid_credentials',
        });
        expect((await users.get(user.id))?.failedSignIns).toBe(i);
      }
      const locked = await refusal(accounts.signIn(user.email, WRONG, HERE));
      expect(locked.status).toBe(423);
      expect(locked.code).toBe('account_locked');
      expect(locked.details).toEqual({ lockedUntil: '2026-12-01T10:15:00.000Z' });
      expect(locked.message).toContain('2026-12-01T10:15:00.000Z');
      expect(await users.get(user.id)).toMatchObject({
        failedSignIns: 0,
        lockedUntil: '2026-12-01T10:15:00.000Z',
      });

      // While locked, even the right password is refused (and says until when).
      clock.advance(15 * MINUTE - 1_000);
      const still = await refusal(accounts.signIn(user.email, PASSWORD, HERE));
      expect({ status: still.status, code: still.code, details: still.details }).toEqual({
        status: 423,
        code: 'account_locked',
        details: { lockedUntil: '2026-12-01T10:15:00.000Z' },
      });

      // At the end of the lock the right password works, and the account starts afresh.
      clock.advance(1_000);
      const signedIn = await accounts.signIn(user.email, PASSWORD, HERE);
      expect(signedIn.user.id).toBe(user.id);
      const after = await users.get(user.id);
      expect(after?.failedSignIns).toBe(0);
      expect(after).not.toHaveProperty('lockedUntil');
      expect(signedIn.user).not.toHaveProperty('lockedUntil');
    });

    it('a right password resets the count of wrong ones', async () => {
      const { accounts, users, seed } = world();
      const user = seed({ failedSignIns: 3 });
      await accounts.signIn(user.email, PASSWORD, HERE);
      expect((await users.get(user.id))?.failedSignIns).toBe(0);
    });

    it('counts every one of wrong passwords sent at once, so a burst cannot get past the lockout', async () => {
      const { accounts, users, seed } = world();
      const user = seed();
      const refusals = await Promise.all(
        Array.from({ length: LOCKOUT.attempts }, () => refusal(accounts.signIn(user.email, WRONG, HERE))),
      );
      expect(refusals.map((r) => r.code).sort()).toEqual([
        'account_locked',
        'invalid_credentials',
        'invalid_credentials',
        'invalid_credentials',
        'invalid_credentials',
      ]);
      expect((await users.get(user.id))?.lockedUntil).toBe('2026-12-01T10:15:00.000Z');
      const locked = await refusal(accounts.signIn(user.email, PASSWORD, HERE));
      expect(locked.code).toBe('account_locked');
    });

    it('refuses an unknown e-mail address exactly as a wrong password (no way to tell who has an account)', async () => {
      const { accounts, throttle, seed } = world();
      const user = seed();
      const unknown = await refusal(accounts.signIn('nobody@example.com', PASSWORD, HERE));
      const wrong = await refusal(accounts.signIn(user.email, WRONG, HERE));
      expect({ status: unknown.status, code: unknown.code, message: unknown.message }).toEqual({
        status: wrong.status,
        code: wrong.code,
        message: wrong.message,
      });
      expect(unknown).toMatchObject({ status: 401, code: 'invalid_credentials' });
      expect(unknown.details).toBeUndefined();
      // Both count against the address.
      expect(
        await throttle.failures(HERE, new Date('2026-12-01T10:00:00Z'), ADDRESS_LIMIT.windowMinutes),
      ).toBe(2);
    });

    it('answers 429 at 20 failed sign-ins from one address, whatever the e-mail addresses', async () => {
      const { accounts, throttle, clock, seed } = world();
      expect(ADDRESS_LIMIT).toEqual({ failures: 20, windowMinutes: 15 });
      const [a, b, c] = [seed(), seed(), seed()];
      // Earlier failures from this address (any container's: the count is shared), then eight more here:
      // two wrong passwords each for three accounts (none locks) and two unknown addresses.
      for (let i = 0; i < 11; i += 1) await throttle.fail(HERE, clock.now(), ADDRESS_LIMIT.windowMinutes);
      const emails = [a, b, c].flatMap((u) => [u.email, u.email]).concat('x@example.com', 'y@example.com');
      const refusals = await Promise.all(emails.map((email) => refusal(accounts.signIn(email, WRONG, HERE))));
      expect(new Set(refusals.map((r) => r.code))).toEqual(new Set(['invalid_credentials']));

      // 19 failures: a right password still signs in; the 20th failure closes the address.
      expect((await accounts.signIn(a.email, PASSWORD, HERE)).user.id).toBe(a.id);
      expect((await refusal(accounts.signIn(b.email, WRONG, HERE))).code).toBe('invalid_credentials');
      for (const email of [c.email, 'z@example.com']) {
        const limited = await refusal(accounts.signIn(email, PASSWORD, HERE));
        expect({ status: limited.status, code: limited.code }).toEqual({
          status: 429,
          code: 'too_many_attempts',
        });
        expect(limited.message).toContain('15 minutes');
      }
      // Another address is not affected, and the next window starts afresh.
      expect((await accounts.signIn(c.email, PASSWORD, '203.0.113.9')).user.id).toBe(c.id);
      clock.advance(ADDRESS_LIMIT.windowMinutes * MINUTE);
      expect((await accounts.signIn(b.email, PASSWORD, HERE)).user.id).toBe(b.id);
    });

    it('checks the lock and the address again once a right password is verified', async () => {
      const { accounts, users, throttle, clock, seed } = world();
      const user = seed();
      // Wrong passwords sent with this one lock the account while it is being checked.
      const locking = accounts.signIn(user.email, PASSWORD, HERE);
      await users.update(user.id, { failedSignIns: 0, lockedUntil: '2026-12-01T10:15:00.000Z' }, 'now');
      expect((await refusal(locking)).code).toBe('account_locked');

      const other = seed();
      const limiting = accounts.signIn(other.email, PASSWORD, '203.0.113.9');
      for (let i = 0; i < ADDRESS_LIMIT.failures; i += 1)
        await throttle.fail('203.0.113.9', clock.now(), ADDRESS_LIMIT.windowMinutes);
      expect((await refusal(limiting)).code).toBe('too_many_attempts');
    });
  });

  describe('what admins do', () => {
    it('creates a user with a one-time password and a normalized e-mail address, once per address', async () => {
      const { accounts, users } = world();
      const created = await accounts.create({ email: ' Bea@Example.COM ', name: ' Bea ', role: 'agent' });
      expect(created.password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);
      expect(created.user).toMatchObject({
        email: 'bea@example.com',
        name: 'Bea',
        role: 'agent',
        disabled: false,
        mustChangePassword: true,
        failedSignIns: 0,
      });
      expect(created.user).not.toHaveProperty('passwordHash');
      expect((await users.get(created.user.id))?.passwordHash).toMatch(/^scrypt\$/);
      await expect(
        accounts.create({ email: 'BEA@example.com', name: 'Other', role: 'admin' }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
      });
      const signedIn = await accounts.signIn('bea@example.com', created.password, HERE);
      expect(signedIn.user.mustChangePassword).toBe(true);
    });

    it('disabling a user ends their sessions and refuses their sign-in; a rename keeps them', async () => {
      const { accounts, sessions, seed } = world();
      const user = seed();
      const other = seed();
      const [first, second, others] = await Promise.all([
        accounts.signIn(user.email, PASSWORD, HERE),
        accounts.signIn(user.email, PASSWORD, HERE),
        accounts.signIn(other.email, PASSWORD, HERE),
      ]);

      await accounts.update(user.id, { name: 'Renamed' });
      expect((await accounts.sessionFor(first.token))?.user.name).toBe('Renamed');

      const disabled = await accounts.update(user.id, { disabled: true });
      expect(disabled).toMatchObject({ id: user.id, disabled: true });
      expect(disabled).not.toHaveProperty('passwordHash');
      expect(await accounts.sessionFor(first.token)).toBeUndefined();
      expect(await accounts.sessionFor(second.token)).toBeUndefined();
      expect([...sessions.items.values()].map((s) => s.userId)).toEqual([other.id]);
      expect(await accounts.sessionFor(others.token)).toBeDefined();

      // The right password says the account is disabled; a wrong one says no more than for anyone.
      const [right, wrong] = await Promise.all([
        refusal(accounts.signIn(user.email, PASSWORD, HERE)),
        refusal(accounts.signIn(user.email, WRONG, HERE)),
      ]);
      expect({ status: right.status, code: right.code }).toEqual({ status: 403, code: 'account_disabled' });
      expect({ status: wrong.status, code: wrong.code }).toEqual({
        status: 401,
        code: 'invalid_credentials',
      });

      await accounts.update(user.id, { disabled: false });
      expect((await accounts.signIn(user.email, PASSWORD, HERE)).user.disabled).toBe(false);
    });

    it('a session of a user who was disabled another way (straight in the store) does not work', async () => {
      const { accounts, users, seed } = world();
      const user = seed();
      const { token } = await accounts.signIn(user.email, PASSWORD, HERE);
      await users.update(user.id, { disabled: true }, '2026-12-01T10:01:00.000Z');
      expect(await accounts.sessionFor(token)).toBeUndefined();
    });

    it('resetting a password unlocks the account, asks for a new password and ends the sessions', async () => {
      const { accounts, users, seed } = world();
      const user = seed();
      const { token } = await accounts.signIn(user.email, PASSWORD, HERE);
      await users.update(
        user.id,
        { failedSignIns: 0, lockedUntil: '2026-12-01T10:15:00.000Z' },
        '2026-12-01T10:00:00.000Z',
      );

      const password = await accounts.resetPassword(user.id);
      expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);
      const reset = await users.get(user.id);
      expect(reset).toMatchObject({ mustChangePassword: true, failedSignIns: 0 });
      expect(reset).not.toHaveProperty('lockedUntil');
      expect(await accounts.sessionFor(token)).toBeUndefined();

      const [old, fresh] = await Promise.all([
        refusal(accounts.signIn(user.email, PASSWORD, HERE)),
        accounts.signIn(user.email, password, HERE),
      ]);
      expect(old.code).toBe('invalid_credentials');
      expect(fresh.user.mustChangePassword).toBe(true);
      await expect(accounts.resetPassword('nobody')).rejects.toMatchObject({ name: 'NotFoundError' });
    });

    it('changing a password needs the current one and a long enough new one, and clears mustChangePassword', async () => {
      const { accounts, users, seed } = world();
      const user = seed({ mustChangePassword: true });
      const next = 'a brand new passphrase';

      const [wrongCurrent, short, nobody] = await Promise.all([
        refusal(accounts.changePassword(user.id, WRONG, next)),
        refusal(accounts.changePassword(user.id, PASSWORD, 'too short')),
        refusal(accounts.changePassword('nobody', PASSWORD, next)),
      ]);
      expect(wrongCurrent).toMatchObject({
        status: 400,
        code: 'validation_failed',
        message: 'currentPassword: is not your current password',
        details: { field: 'currentPassword' },
      });
      expect(short).toMatchObject({
        status: 400,
        code: 'validation_failed',
        message: 'newPassword: must be at least 12 characters',
        details: { field: 'newPassword' },
      });
      expect(nobody.details).toEqual({ field: 'currentPassword' });
      expect((await users.get(user.id))?.mustChangePassword).toBe(true);

      await accounts.changePassword(user.id, PASSWORD, next);
      expect((await users.get(user.id))?.mustChangePassword).toBe(false);
      const [old, fresh] = await Promise.all([
        refusal(accounts.signIn(user.email, PASSWORD, HERE)),
        accounts.signIn(user.email, next, HERE),
      ]);
      expect(old.code).toBe('invalid_credentials');
      expect(fresh.user.mustChangePassword).toBe(false);
    });
  });

  describe('the first admin', () => {
    it('is created on an empty store only, with the given password to change at the first sign-in', async () => {
      const { accounts, users } = world();
      const admin = await accounts.ensureFirstAdmin('Admin@Example.com', PASSWORD);
      expect(admin).toMatchObject({ email: 'admin@example.com', role: 'admin', mustChangePassword: true });
      expect(await accounts.ensureFirstAdmin('second@example.com', PASSWORD)).toBeUndefined();
      expect(users.items.size).toBe(1);
      expect((await accounts.signIn('admin@example.com', PASSWORD, HERE)).user.id).toBe(admin?.id);
    });

    it('is not created when any user exists, admin or not', async () => {
      const { accounts, users, seed } = world();
      seed({ role: 'agent' });
      expect(await accounts.ensureFirstAdmin('admin@example.com', PASSWORD)).toBeUndefined();
      expect([...users.items.values()].map((u) => u.role)).toEqual(['agent']);
    });

    it("the stack's admin is created by the first sign-in as that address, not before", async () => {
      const { accounts, users } = world({ email: 'Admin@Example.com', password: PASSWORD });
      // Another address on the empty platform creates nobody.
      await expect(accounts.signIn('someone@example.com', PASSWORD, HERE)).rejects.toMatchObject({
        code: 'invalid_credentials',
      });
      expect(users.items.size).toBe(0);
      // A wrong password as the admin creates the admin and counts as a failure like any other.
      await expect(accounts.signIn('admin@example.com', 'wrong password!!', HERE)).rejects.toMatchObject({
        code: 'invalid_credentials',
      });
      expect([...users.items.values()]).toMatchObject([{ role: 'admin', failedSignIns: 1 }]);
      const signedIn = await accounts.signIn('admin@example.com', PASSWORD, HERE);
      expect(signedIn.user).toMatchObject({ role: 'admin', mustChangePassword: true });
      expect(users.items.size).toBe(1);
    });

    it('is created once when two containers start at the same moment', async () => {
      const { accounts, users } = world();
      const results = await Promise.all([
        accounts.ensureFirstAdmin('admin@example.com', PASSWORD),
        accounts.ensureFirstAdmin('admin@example.com', PASSWORD),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(users.items.size).toBe(1);
    });
  });
});
