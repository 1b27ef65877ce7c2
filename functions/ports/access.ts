/** Who may call the API (API keys), and requests retried with an Idempotency-Key. */
import type { ApiKeyRecord } from '../domain/api-key';

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
