import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiDocument } from '../../functions/http/api-document';
import { ContractChecker } from '../support/contract';

const ROOT = join(__dirname, '..', '..');
type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};
type Schema = Record<string, unknown>;

describe('the OpenAPI document', () => {
  let doc: Record<string, unknown> & {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ where: `${method.toUpperCase()} ${path}`, op })),
    );

  beforeAll(async () => {
    doc = (await apiDocument()) as typeof doc;
  });

  it('is the one committed in docs/openapi.json (run `npm run openapi` after changing a route)', () => {
    const committed = JSON.parse(readFileSync(join(ROOT, 'docs', 'openapi.json'), 'utf8'));
    expect(committed).toEqual(doc);
  });

  it('gives the typed client the types generated from it, and passes the OpenAPI linter', () => {
    // Both tools are ES modules, so they run in a child process rather than under jest.
    const tsx = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const run = (args: string[]) =>
      execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    expect(() => run([tsx, 'bin/openapi.ts', '--check'])).not.toThrow();
    const redocly = join(ROOT, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js');
    const lint = run([redocly, 'lint', '--format=stylish', 'docs/openapi.json']);
    expect(lint).not.toMatch(/error/i);
  }, 60_000);

  it('names every operation with a unique camelCase operationId, a summary and a known tag', () => {
    const tags = new Set((doc.tags as { name: string }[]).map((t) => t.name));
    const ids = operations().map(({ where, op }) => {
      expect({ where, ok: /^[a-z][a-zA-Z0-9]+$/.test(op.operationId ?? '') }).toEqual({ where, ok: true });
      expect({ where, summary: (op.summary ?? '').length > 0 }).toEqual({ where, summary: true });
      expect({ where, tagged: (op.tags ?? []).length > 0 && op.tags!.every((t) => tags.has(t)) }).toEqual({
        where,
        tagged: true,
      });
      return op.operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(40);
  });

  it('has servers, and the public routes need no key while every other one declares 401', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const open = operations()
      .filter(({ op }) => op.security?.length === 0)
      .map(({ where }) => where)
      .sort();
    expect(open).toEqual([
      'GET /api/docs',
      'GET /api/health',
      'GET /api/openapi.json',
      'GET /api/whatsapp/webhook',
      'POST /api/auth/sign-in',
      'POST /api/whatsapp/webhook',
    ]);
    for (const { where, op } of operations()) {
      if (op.security?.length === 0) continue;
      expect({ where, statuses: Object.keys(op.responses) }).toEqual({
        where,
        statuses: expect.arrayContaining(['401', ...(op.requestBody ? ['400', '413', '415'] : [])]),
      });
    }
  });

  it('declares the CSV upload: its query parameters and its text/csv body', () => {
    const create = doc.paths['/api/campaigns']!.post! as Operation & {
      parameters: { name: string; in: string }[];
      requestBody: { content: Record<string, unknown> };
    };
    expect(create.parameters.map((p) => `${p.in}:${p.name}`)).toEqual(
      expect.arrayContaining([
        'query:name',
        'query:templateId',
        'query:defaultCountry',
        'query:sendAt',
        'query:timezone',
      ]),
    );
    expect(Object.keys(create.requestBody.content)).toEqual(['application/json', 'text/csv']);
    const imports = doc.paths['/api/lists/{id}/contacts']!.post! as Operation & {
      requestBody: { content: Record<string, unknown> };
    };
    expect(Object.keys(imports.requestBody.content)).toEqual(['application/json', 'text/csv']);
  });

  /** An allOf whose parts are closed objects that each lack the other's properties admits no value. */
  function unsatisfiable(schema: unknown, path: string, found: string[]): void {
    if (!schema || typeof schema !== 'object') return;
    const s = schema as Schema;
    const resolve = (part: Schema): Schema => {
      const ref = part.$ref as string | undefined;
      return ref ? (doc.components.schemas[ref.split('/').pop()!] ?? {}) : part;
    };
    if (Array.isArray(s.allOf)) {
      const parts = (s.allOf as Schema[]).map(resolve);
      const names = parts.flatMap((p) => Object.keys((p.properties as object | undefined) ?? {}));
      for (const part of parts) {
        if (part.additionalProperties !== false) continue;
        const own = new Set(Object.keys((part.properties as object | undefined) ?? {}));
        const others = names.filter((n) => !own.has(n));
        if (others.length > 0) found.push(`${path}: a closed part forbids ${others.join(', ')}`);
      }
    }
    for (const [key, value] of Object.entries(s)) unsatisfiable(value, `${path}/${key}`, found);
  }

  it('has no schema that no value can satisfy', () => {
    const found: string[] = [];
    unsatisfiable(doc, '#', found);
    expect(found).toEqual([]);
    // The way such a schema used to arise: Template extended the closed TemplateInput.
    const broken = {
      allOf: [
        { $ref: '#/components/schemas/TemplateInput' },
        { type: 'object', properties: { id: {} }, additionalProperties: false },
      ],
    };
    unsatisfiable(broken, '#/example', found);
    expect(found.length).toBeGreaterThan(0);
  });

  describe('as a contract checked on each answer', () => {
    let checker: ContractChecker;
    beforeAll(() => {
      checker = new ContractChecker(doc as never);
    });
    const template = {
      id: 't1',
      name: 'welcome',
      body: 'Hello {{customerName}}',
      category: 'utility',
      version: 1,
      variables: ['customerName'],
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-01T00:00:00.000Z',
    };
    const json = 'application/json';

    it('accepts an answer that matches its schema', () => {
      expect(checker.check('GET', '/api/templates/t1', 200, json, JSON.stringify(template))).toEqual([]);
    });

    it('refuses a drifted body, an undeclared status, a wrong type, and a non-envelope 404', () => {
      const { version: _v, ...noVersion } = template;
      expect(checker.check('GET', '/api/templates/t1', 200, json, JSON.stringify(noVersion)).join()).toMatch(
        /version/,
      );
      expect(
        checker.check('GET', '/api/templates/t1', 200, json, JSON.stringify({ ...template, secret: 1 })),
      ).not.toEqual([]);
      expect(checker.check('GET', '/api/templates/t1', 418, json, '{}').join()).toMatch(/not declared/);
      expect(checker.check('GET', '/api/templates/t1', 200, 'text/plain', 'hi').join()).toMatch(
        /content type/,
      );
      expect(checker.check('GET', '/api/nothing-here', 404, json, '{"oops":1}')).not.toEqual([]);
      expect(
        checker.check('GET', '/api/nothing-here', 404, json, '{"error":{"code":"not_found","message":"no"}}'),
      ).toEqual([]);
    });
  });
});
