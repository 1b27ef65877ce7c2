import { createRoute, type OpenAPIHono, type z } from '@hono/zod-openapi';
import { NotFoundError } from '../../domain/errors';
import {
  checkTemplateDefinition,
  type Template,
  type TemplateDefinition,
  templateVariables,
} from '../../domain/template';
import { previewTemplate as preview } from '../../domain/template-preview';
import type { TemplateStore } from '../../ports';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import {
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
  ListQuery,
  PreviewInputSchema,
  PreviewSchema,
  pageOf,
  TemplateInputSchema,
  TemplateSchema,
} from '../schemas';

const tags = ['Templates'];
const security = [{ bearerAuth: [] }];
const common = {
  400: errorResponse('Invalid request'),
  401: errorResponse('Missing or invalid API key'),
};

const createTemplate = createRoute({
  method: 'post',
  path: '/api/templates',
  operationId: 'createTemplate',
  tags,
  security,
  summary: 'Create a template',
  request: { body: jsonBody(TemplateInputSchema) },
  responses: {
    201: jsonResponse(TemplateSchema, 'Created'),
    ...common,
    409: errorResponse('A template with this name exists'),
  },
});

const listTemplates = createRoute({
  method: 'get',
  path: '/api/templates',
  operationId: 'listTemplates',
  tags,
  security,
  summary: 'List templates, newest first',
  request: { query: ListQuery },
  responses: {
    200: jsonResponse(pageOf(TemplateSchema), 'A page'),
    ...common,
  },
});

const getTemplate = createRoute({
  method: 'get',
  path: '/api/templates/{id}',
  operationId: 'getTemplate',
  tags,
  security,
  summary: 'Get a template',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(TemplateSchema, 'The template'),
    ...common,
    404: errorResponse('No such template'),
  },
});

const replaceTemplate = createRoute({
  method: 'put',
  path: '/api/templates/{id}',
  operationId: 'replaceTemplate',
  tags,
  security,
  summary: 'Replace a template (campaigns already created keep the version they were created with)',
  request: { params: IdParam, body: jsonBody(TemplateInputSchema) },
  responses: {
    200: jsonResponse(TemplateSchema, 'Updated'),
    ...common,
    404: errorResponse('No such template'),
    409: errorResponse('Name taken, or changed concurrently'),
  },
});

const deleteTemplate = createRoute({
  method: 'delete',
  path: '/api/templates/{id}',
  operationId: 'deleteTemplate',
  tags,
  security,
  summary: 'Delete a template',
  request: { params: IdParam },
  responses: { 204: { description: 'Deleted' }, ...common, 404: errorResponse('No such template') },
});

const previewTemplate = createRoute({
  method: 'post',
  path: '/api/templates/{id}/preview',
  operationId: 'previewTemplate',
  tags,
  security,
  summary: 'Render a template with variables, and show the Graph API payload it would send',
  request: { params: IdParam, body: jsonBody(PreviewInputSchema) },
  responses: {
    200: jsonResponse(PreviewSchema, 'Rendered'),
    ...common,
    404: errorResponse('No such template'),
    422: errorResponse('Missing variables, or the rendered message breaks a WhatsApp limit'),
  },
});

/** Validation that goes beyond the schema; every problem is reported at once. */
function validated(def: TemplateDefinition): TemplateDefinition & { variables: string[] } {
  const problems = checkTemplateDefinition(def);
  if (problems.length > 0) {
    throw new ApiError(
      400,
      'validation_failed',
      problems.map((p) => `${p.field}: ${p.message}`).join('; '),
      problems,
    );
  }
  return { ...def, variables: templateVariables(def) };
}

async function mustGet(store: TemplateStore, id: string): Promise<Template> {
  const template = await store.get(id);
  if (!template) throw new NotFoundError(`template ${id} does not exist`);
  return template;
}

export function registerTemplateRoutes(app: OpenAPIHono<AppEnv>, store: TemplateStore): void {
  app.openapi(createTemplate, async (c) => {
    const template = await store.create(validated(c.req.valid('json')));
    c.var.logger.info('template created', { templateId: template.id });
    return c.json(template as z.infer<typeof TemplateSchema>, 201);
  });

  app.openapi(listTemplates, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await store.list({ limit, ...(cursor ? { cursor } : {}) });
    return c.json(page as { items: z.infer<typeof TemplateSchema>[]; nextCursor?: string }, 200);
  });

  app.openapi(getTemplate, async (c) => {
    const template = await mustGet(store, c.req.valid('param').id);
    return c.json(template as z.infer<typeof TemplateSchema>, 200);
  });

  app.openapi(replaceTemplate, async (c) => {
    const template = await store.replace(c.req.valid('param').id, validated(c.req.valid('json')));
    c.var.logger.info('template replaced', { templateId: template.id, version: template.version });
    return c.json(template as z.infer<typeof TemplateSchema>, 200);
  });

  app.openapi(deleteTemplate, async (c) => {
    await store.delete(c.req.valid('param').id);
    return c.body(null, 204);
  });

  app.openapi(previewTemplate, async (c) => {
    const template = await mustGet(store, c.req.valid('param').id);
    const { variables, to } = c.req.valid('json');
    const shown = preview(template, variables, to);
    if (!shown.ok) throw new ApiError(422, shown.code, shown.message, shown.details);
    const { ok: _ok, ...answer } = shown;
    return c.json(answer, 200);
  });
}
