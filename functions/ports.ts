/** The interfaces the domain and handlers need; adapters/ implements them, deps.ts picks which. */
import type { OutboundMessage } from './domain/outbound-message';
import type { Template, TemplateDefinition } from './domain/template';
import type { SendFailure } from './domain/whatsapp-errors';

export type SendResult =
  | { readonly ok: true; readonly wamid: string }
  | { readonly ok: false; readonly failure: SendFailure };

export interface WhatsAppSender {
  send(message: OutboundMessage): Promise<SendResult>;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; pass back as `cursor` for the next page. Absent on the last page. */
  readonly nextCursor?: string;
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export interface TemplateStore {
  create(def: TemplateDefinition & { variables: readonly string[] }): Promise<Template>;
  get(id: string): Promise<Template | undefined>;
  list(options: { limit: number; cursor?: string }): Promise<Page<Template>>;
  /** Replaces the definition; `expectedVersion` guards against lost updates when given. */
  replace(
    id: string,
    def: TemplateDefinition & { variables: readonly string[] },
    expectedVersion?: number,
  ): Promise<Template>;
  delete(id: string): Promise<void>;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

export interface ApiKeyStore {
  put(record: ApiKeyRecord): Promise<void>;
  get(id: string): Promise<ApiKeyRecord | undefined>;
  list(): Promise<ApiKeyRecord[]>;
  revoke(id: string, at: string): Promise<boolean>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
