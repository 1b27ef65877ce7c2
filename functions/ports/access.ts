/** Who may call the API (API keys), and requests retried with an Idempotency-Key. */

import type { ApiKeyRecord } from '../domain/api-key';
import type { StoredUser } from '../domain/user';

export interface ApiKeyStore {
  put(record: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  revoke(id: string, at: string): Promise<boolean>;
}

/** The first successful answer to a request sent with an Idempotency-Key. */
export interface StoredAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export type IdempotencyClaim =
  | { readonly kind: 'new' }
  | { readonly kind: 'replay'; readonly answer: StoredAnswer }
  | { readonly kind: 'different_request' }
  | { readonly kind: 'in_progress' };

/** Keys of retried requests: claimed before the work, completed with its answer, released on failure. */
export interface IdempotencyStore {
  claim(key: string, fingerprint: string, now: Date): Promise<IdempotencyClaim>;
  complete(key: string, fingerprint: string, answer: StoredAnswer, now: Date): Promise<void>;
  release(key: string): Promise<void>;
}

/** Console users; an e-mail address belongs to one user (a conditional create). */
export interface UserStore {
  /** Throws ConflictError when the e-mail address is taken. */
  create(user: StoredUser): Promise<void>;
  get(id: string): Promise<StoredUser | undefined>;
  byEmail(email: string): Promise<StoredUser | undefined>;
  list(): Promise<StoredUser[]>;
  /** Any user at all (the first admin is created only on an empty store). */
  any(): Promise<boolean>;
  update(
    id: string,
    patch: Partial<
      Pick<
        StoredUser,
        'name' | 'role' | 'disabled' | 'passwordHash' | 'mustChangePassword' | 'failedSignIns' | 'lockedUntil'
      >
    >,
    at: string,
  ): Promise<StoredUser>;
  /**
   * Counts a wrong password in one atomic step, so that sign-ins at the same moment each count; returns
   * the count, this one included. Throws NotFoundError for an unknown user.
   */
  countFailedSignIn(id: string, at: string): Promise<number>;
}

export interface Session {
  readonly userId: string;
  readonly csrfToken: string;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** Signed-in sessions, by the hash of their cookie's token (the token itself is never stored). */
export interface SessionStore {
  create(tokenHash: string, session: Session): Promise<void>;
  get(tokenHash: string): Promise<Session | undefined>;
  delete(tokenHash: string): Promise<void>;
  /** Ends every session of a user (disabled, or a new password). */
  deleteForUser(userId: string): Promise<void>;
}

/** Failed sign-ins per address in a sliding window. */
export interface SignInThrottle {
  /** Counts a failure; returns the failures in the current window, this one included. */
  fail(address: string, now: Date, windowMinutes: number): Promise<number>;
  failures(address: string, now: Date, windowMinutes: number): Promise<number>;
}
