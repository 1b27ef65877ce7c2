import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ulid } from 'ulid';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { Page } from '../../domain/page';
import type { Template, TemplateDefinition } from '../../domain/template';
import { type Clock, systemClock, type TemplateStore } from '../../ports';
import { isConditionFailure, newestFirst, queryPage } from './client';

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

/**
 * Templates: item `TEMPLATE#<id>` plus a name guard `TEMPLATE_NAME#<lower-case name>` that makes names
 * unique without transactions (dynalite has none). The guard is written first; a guard left behind by a
 * crash before the template was written is detected and taken over, so a name is never stuck.
 */
export class DynamoTemplateStore implements TemplateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async create(def: TemplateDefinition & { variables: readonly string[] }): Promise<Template> {
    const id = ulid(this.clock.now().getTime());
    const now = this.clock.now().toISOString();
    await this.claimName(def.name, id);
    const template: Template = { ...def, id, version: 1, createdAt: now, updatedAt: now };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...template, pk: templateKey(id), sk: 'TEMPLATE', gsi1pk: 'TEMPLATES', gsi1sk: id },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      await this.releaseName(def.name, id);
      throw error;
    }
    return template;
  }

  async get(id: string): Promise<Template | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: templateKey(id), sk: 'TEMPLATE' },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toTemplate(out.Item) : undefined;
  }

  list(page: { limit: number; cursor?: string }): Promise<Page<Template>> {
    return queryPage(this.db, newestFirst(this.table, 'TEMPLATES'), page, toTemplate);
  }

  async replace(
    id: string,
    def: TemplateDefinition & { variables: readonly string[] },
    expectedVersion?: number,
  ): Promise<Template> {
    const current = await this.get(id);
    if (!current) throw new NotFoundError(`template ${id} does not exist`);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new ConflictError(`template ${id} is at version ${current.version}, not ${expectedVersion}`);
    }
    const renamed = nameKey(def.name) !== nameKey(current.name);
    if (renamed) await this.claimName(def.name, id);
    const next: Template = {
      ...def,
      id,
      version: current.version + 1,
      createdAt: current.createdAt,
      updatedAt: this.clock.now().toISOString(),
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...next, pk: templateKey(id), sk: 'TEMPLATE', gsi1pk: 'TEMPLATES', gsi1sk: id },
          ConditionExpression: 'attribute_exists(pk) AND version = :v',
          ExpressionAttributeValues: { ':v': current.version },
        }),
      );
    } catch (error) {
      if (renamed) await this.releaseName(def.name, id);
      if (isConditionFailure(error))
        throw new ConflictError(`template ${id} was changed or deleted meanwhile; retry`);
      throw error;
    }
    if (renamed) await this.releaseName(current.name, id);
    return next;
  }

  async delete(id: string): Promise<void> {
    const out = await this.db.send(
      new DeleteCommand({
        TableName: this.table,
        Key: { pk: templateKey(id), sk: 'TEMPLATE' },
        ReturnValues: 'ALL_OLD',
      }),
    );
    if (!out.Attributes) throw new NotFoundError(`template ${id} does not exist`);
    await this.releaseName(String(out.Attributes.name), id);
  }

  private async claimName(name: string, id: string): Promise<void> {
    const put = (condition: string, values?: Record<string, unknown>) =>
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: nameKey(name), sk: 'NAME', templateId: id },
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
    try {
      await put('attribute_not_exists(pk)');
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const guard = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: nameKey(name), sk: 'NAME' }, ConsistentRead: true }),
    );
    const owner = guard.Item?.templateId as string | undefined;
    if (owner && owner !== id && (await this.get(owner))) {
      throw new ConflictError(`a template named "${name}" already exists`);
    }
    // The guard is orphaned (its template was never written or is gone): take it over, unless someone else just did.
    try {
      await put('attribute_not_exists(pk) OR templateId = :owner', { ':owner': owner ?? '' });
    } catch (error) {
      if (isConditionFailure(error)) throw new ConflictError(`a template named "${name}" already exists`);
      throw error;
    }
  }

  private async releaseName(name: string, id: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: nameKey(name), sk: 'NAME' },
          ConditionExpression: 'templateId = :id',
          ExpressionAttributeValues: { ':id': id },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}

function templateKey(id: string): string {
  return `TEMPLATE#${id}`;
}

function nameKey(name: string): string {
  return `TEMPLATE_NAME#${name.trim().toLowerCase()}`;
}

function toTemplate(item: Record<string, unknown>): Template {
  const copy: Record<string, unknown> = { ...item };
  for (const k of KEY_ATTRIBUTES) delete copy[k];
  return copy as unknown as Template;
}
