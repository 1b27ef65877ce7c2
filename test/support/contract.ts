/**
 * The OpenAPI document as a contract for every answer the e2e tier sees: the operation is found by
 * method and path, the status must be one it declares, and a JSON body must match the declared schema
 * (JSON Schema 2020-12, which OpenAPI 3.1 uses). Answers to paths no operation has (404, 405) must still
 * be the error envelope.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Doc = {
  webhooks?: Record<string, unknown>;
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>
  >;
};

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Every object schema that lists its properties and says nothing of others admits no others. */
function closeObjects(node: unknown): unknown {
  if (Array.isArray(node)) node.forEach(closeObjects);
  else if (node && typeof node === 'object') {
    const schema = node as Record<string, unknown>;
    if (schema.type === 'object' && schema.properties && !('additionalProperties' in schema)) {
      schema.additionalProperties = false;
    }
    Object.values(schema).forEach(closeObjects);
  }
  return node;
}

export class ContractChecker {
  private readonly ajv: Ajv2020;
  private readonly routes: { template: string; pattern: RegExp; params: number }[];
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Doc) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    // The whole document under one id, so a response schema's #/components/... references resolve.
    // Objects are closed: an answer carrying a field the document does not name has drifted too.
    this.ajv.addSchema(closeObjects(structuredClone(doc)) as object, 'openapi');
    this.routes = Object.keys(doc.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      // A literal segment wins over a parameter (/api/campaigns/{id}/start before a deeper template).
      .sort((a, b) => a.params - b.params);
  }

  /** Problems with one answer, in words; empty when it keeps the contract. */
  check(method: string, path: string, status: number, contentType: string, body: string): string[] {
    const m = method.toLowerCase();
    const route = this.routes.find((r) => r.pattern.test(path) && this.doc.paths[r.template]?.[m]);
    const where = `${method.toUpperCase()} ${path} -> ${status}`;
    if (!route) {
      if (status !== 404 && status !== 405) return [`${where}: no operation in the OpenAPI document`];
      return this.validate('openapi#/components/schemas/Error', body, where, contentType);
    }
    const responses = this.doc.paths[route.template]![m]!.responses ?? {};
    const key = String(status) in responses ? String(status) : 'default' in responses ? 'default' : undefined;
    if (!key) return [`${where}: status ${status} is not declared for ${m} ${route.template}`];
    const content = responses[key]!.content;
    if (!content) return body.length === 0 ? [] : [`${where}: declared without a body, but one came`];
    const media = contentType.split(';')[0]!.trim();
    if (!(media in content))
      return [`${where}: content type ${media} is not declared (${Object.keys(content).join(', ')})`];
    if (media !== 'application/json') return [];
    return this.validate(
      `openapi#/${pointer('paths', route.template, m, 'responses', key, 'content', media, 'schema')}`,
      body,
      where,
      contentType,
    );
  }

  /** Problems with an event posted to a subscription, against the document's `webhooks` entry for its type. */
  checkEvent(body: string): string[] {
    let type: unknown;
    try {
      type = (JSON.parse(body) as { type?: unknown }).type;
    } catch {
      return ['event: the body is not JSON'];
    }
    const where = `event ${String(type)}`;
    if (typeof type !== 'string' || !this.doc.webhooks?.[type])
      return [`${where}: no such webhook in the document`];
    return this.validate(
      `openapi#/${pointer('webhooks', type, 'post', 'requestBody', 'content', 'application/json', 'schema')}`,
      body,
      where,
      'application/json',
    );
  }

  private validate(ref: string, body: string, where: string, contentType: string): string[] {
    if (!/application\/json/.test(contentType))
      return [`${where}: expected JSON, got ${contentType || 'no content type'}`];
    let value: unknown;
    try {
      value = JSON.parse(body);
    } catch {
      return [`${where}: the body is not JSON`];
    }
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${where}: ${e.instancePath || '(body)'} ${e.message ?? 'is invalid'} ${JSON.stringify(e.params)}`,
    );
  }
}
