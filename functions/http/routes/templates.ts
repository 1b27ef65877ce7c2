import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../domain/errors';
import {
  checkTemplateDefinition,
  type Template,
  type TemplateDefinition,
  templateVariables,
} from '../../domain/template';
import { previewTemplate as preview } from '../../domain/template-preview';
import type { TemplateStore } from '../../ports';
import type { MetaTemplates } from '../../services/meta-templates';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import {
  errorResponse,
  IdParam,
  ImportInputSchema,
  ImportResultSchema,
  jsonBody,
  jsonResponse,
  ListQuery,
  MetaTemplateSchema,
  PreviewInputSchema,
  PreviewSchema,
  pageOf,
  SubmitInputSchema,
  SyncResultSchema,
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

const syncTemplates = createRoute({
  method: 'post',
  path: '/api/templates/sync',
  operationId: 'syncTemplates',
  tags,
  security,
  summary: "Read the WhatsApp Business Account's templates from Meta (every page) and apply what changed",
  description:
    'Runs on its own every 15 minutes, and template webhooks keep the templates current in between. Templates Meta no longer lists become DELETED; running campaigns whose template is no longer sendable are paused.',
  responses: {
    200: jsonResponse(SyncResultSchema, 'What the sync found'),
    ...common,
    409: errorResponse(
      'No WhatsApp Business Account to read from (DEV mode, or WHATSAPP_BUSINESS_ACCOUNT_ID unset)',
    ),
    502: errorResponse('The Graph API failed or could not be reached'),
  },
});

const listMetaTemplates = createRoute({
  method: 'get',
  path: '/api/meta-templates',
  operationId: 'listMetaTemplates',
  tags,
  security,
  summary: "The account's templates as Meta has them (from syncs, webhooks and submissions), by name",
  responses: {
    200: jsonResponse(z.object({ items: z.array(MetaTemplateSchema) }), 'Every known Meta template'),
    ...common,
  },
});

const importTemplate = createRoute({
  method: 'post',
  path: '/api/templates/import',
  operationId: 'importTemplate',
  tags,
  security,
  summary: 'Make a platform template from a Meta template (its parameters become variables), mapped to it',
  request: { body: jsonBody(ImportInputSchema) },
  responses: {
    201: jsonResponse(ImportResultSchema, 'Created'),
    ...common,
    404: errorResponse('No such Meta template (sync first)'),
    409: errorResponse('A template with this name exists, or the Meta template is not synced yet'),
    422: errorResponse('The Meta template has parts the platform cannot send (details list them)'),
  },
});

const submitTemplate = createRoute({
  method: 'post',
  path: '/api/templates/{id}/submit',
  operationId: 'submitTemplate',
  tags,
  security,
  summary: 'Submit the template to Meta for approval (creates the Meta template, and maps this one to it)',
  description:
    "Meta's creation rules are checked first: a 422 `meta_template_rule` names each broken rule in `details.problems` (`details.rule` is the first). Meta answers PENDING; its approval or rejection (with the reason) arrives by webhook or sync and shows in `meta`.",
  request: { params: IdParam, body: jsonBody(SubmitInputSchema) },
  responses: {
    201: jsonResponse(TemplateSchema, "Submitted: the template, mapped, with Meta's answer in meta"),
    ...common,
    404: errorResponse('No such template'),
    409: errorResponse('Already in the account, no account configured, or the template changed meanwhile'),
    422: errorResponse(
      "A rule Meta would reject it for (meta_template_rule), or Meta's own refusal (meta_rejected)",
    ),
    502: errorResponse('The Graph API failed or could not be reached'),
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

type TemplateJson = z.infer<typeof TemplateSchema>;

export function registerTemplateRoutes(
  app: OpenAPIHono<AppEnv>,
  store: TemplateStore,
  meta: MetaTemplates,
): void {
  /** Templates with Meta's view of the template each is mapped to. */
  const withMeta = async (templates: readonly Template[]): Promise<TemplateJson[]> => {
    const views = await meta.viewsFor(templates);
    return templates.map((t) => {
      const view = views.get(t.id);
      return (view ? { ...t, meta: view } : t) as TemplateJson;
    });
  };
  const one = async (t: Template) => (await withMeta([t]))[0]!;

  app.openapi(createTemplate, async (c) => {
    const template = await store.create(validated(c.req.valid('json')));
    c.var.logger.info('template created', { templateId: template.id });
    return c.json(await one(template), 201);
  });

  app.openapi(listTemplates, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await store.list({ limit, ...(cursor ? { cursor } : {}) });
    return c.json(
      { items: await withMeta(page.items), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
      200,
    );
  });

  app.openapi(syncTemplates, async (c) => c.json(await meta.sync(), 200));

  app.openapi(listMetaTemplates, async (c) => {
    const items = await meta.list();
    return c.json({ items: items as unknown as z.infer<typeof MetaTemplateSchema>[] }, 200);
  });

  app.openapi(importTemplate, async (c) => {
    const { name, language, as, variables, mediaUrl } = c.req.valid('json');
    const imported = await meta.importTemplate({
      name,
      language,
      ...(as ? { as } : {}),
      ...(variables ? { variables } : {}),
      ...(mediaUrl ? { mediaUrl } : {}),
    });
    return c.json({ template: await one(imported.template), notes: [...imported.notes] }, 201);
  });

  app.openapi(submitTemplate, async (c) => {
    const input = c.req.valid('json');
    const { template } = await meta.submit(c.req.valid('param').id, {
      ...(input.name ? { name: input.name } : {}),
      ...(input.language ? { language: input.language } : {}),
      ...(input.examples ? { examples: input.examples } : {}),
      ...(input.headerText ? { headerText: input.headerText } : {}),
      ...(input.headerHandle ? { headerHandle: input.headerHandle } : {}),
      ...(input.footer ? { footer: input.footer } : {}),
      ...(input.buttons ? { buttons: input.buttons } : {}),
    });
    return c.json(await one(template), 201);
  });

  app.openapi(getTemplate, async (c) => {
    const template = await mustGet(store, c.req.valid('param').id);
    return c.json(await one(template), 200);
  });

  app.openapi(replaceTemplate, async (c) => {
    const template = await store.replace(c.req.valid('param').id, validated(c.req.valid('json')));
    c.var.logger.info('template replaced', { templateId: template.id, version: template.version });
    return c.json(await one(template), 200);
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
