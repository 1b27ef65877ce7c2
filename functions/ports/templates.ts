/** Message templates. */
import type { MetaTemplate } from '../domain/meta-template';
import type { CreationRequest } from '../domain/meta-template-submit';
import type { Page } from '../domain/page';
import type { Template, TemplateDefinition } from '../domain/template';
import type { SendFailure } from '../domain/whatsapp-errors';

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

/** A Meta template is named by its name and language. */
export interface MetaTemplateKey {
  readonly name: string;
  readonly language: string;
}

/**
 * Meta's view of the account's templates (synced from the Graph API and kept current by template
 * webhooks), the campaigns sending through each, and the account's hourly creation budget.
 */
export interface MetaTemplateStore {
  get(key: MetaTemplateKey): Promise<MetaTemplate | undefined>;
  getMany(keys: readonly MetaTemplateKey[]): Promise<MetaTemplate[]>;
  /** Every Meta template known (an account holds at most a few hundred). */
  list(): Promise<MetaTemplate[]>;
  /**
   * Writes a template's record if it is still as the caller read it: `previous` is the `observedAt` read
   * (undefined: it must not exist yet). False when someone else wrote it meanwhile.
   */
  put(template: MetaTemplate, previous: string | undefined): Promise<boolean>;
  /** Records that a campaign is sending through the template, so a pause can reach it. */
  noteUse(key: MetaTemplateKey, campaignId: string): Promise<void>;
  /** The campaigns recorded as sending through the template. */
  uses(key: MetaTemplateKey): Promise<string[]>;
  dropUse(key: MetaTemplateKey, campaignId: string): Promise<void>;
  /**
   * Takes one of the account's template creations for the rolling hour (Meta allows `limit`), or says
   * when the next one frees up.
   */
  takeCreation(nowMs: number, limit: number): Promise<{ ok: true } | { ok: false; nextAt: number }>;
}

/** The Graph API's template management for the WhatsApp Business Account. */
export interface MetaTemplateApi {
  /** Every template of the account (all pages), or those with one name; raw items as the API lists them. */
  list(filter?: {
    name?: string;
  }): Promise<{ ok: true; items: unknown[]; pages: number } | { ok: false; failure: SendFailure }>;
  create(
    request: CreationRequest,
  ): Promise<
    { ok: true; id: string; status: string; category?: string } | { ok: false; failure: SendFailure }
  >;
}
