/** Message templates. */
import type { Page } from '../domain/page';
import type { Template, TemplateDefinition } from '../domain/template';

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
