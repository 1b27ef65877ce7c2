import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ulid } from 'ulid';
import { NotFoundError } from '../../domain/errors';
import { type AddressPolicy, checkUrl } from '../../domain/knowledge/address-policy';
import { ModelUnavailableError } from '../../domain/knowledge/assistant';
import type { KnowledgeSource } from '../../domain/knowledge/source';
import { newSource } from '../../domain/knowledge/source';
import type { Clock, CrawlQueue, KnowledgeStore } from '../../ports';
import type { KnowledgeBase } from '../../services/knowledge-base';
import type { KnowledgeIndexer } from '../../services/knowledge-indexer';
import type { AppEnv } from '../app-env';
import { ApiError } from '../errors';
import { errorResponse, IdParam, jsonBody, jsonResponse } from '../schemas';

const tags = ['Knowledge'];
const security = [{ bearerAuth: [] }];
const common = { 400: errorResponse('Invalid request'), 401: errorResponse('Missing or invalid API key') };

/** A document's text may be up to this many characters (about 50 pages of prose). */
export const MAX_DOCUMENT_CHARS = 200_000;

const SourceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['website', 'document']),
    url: z.string().optional(),
    title: z.string().optional(),
    maxPages: z.number(),
    maxDepth: z.number(),
    state: z.enum(['queued', 'crawling', 'ready', 'failed']),
    pagesFound: z.number(),
    pagesIndexed: z.number(),
    pagesUnchanged: z.number(),
    pagesSkipped: z.number(),
    skipped: z.array(z.object({ url: z.string(), reason: z.string() })),
    errors: z.array(z.string()),
    chunks: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
    crawledAt: z.string().optional(),
  })
  .openapi('KnowledgeSource');

const SourceInput = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048),
    maxPages: z.number().int().min(1).max(1000).default(100),
    maxDepth: z.number().int().min(0).max(10).default(3),
  })
  .openapi('KnowledgeSourceInput');

const DocumentInput = z
  .strictObject({
    title: z.string().trim().min(1).max(300),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2048)
      .optional(),
    content: z.string().trim().min(1).max(MAX_DOCUMENT_CHARS),
    format: z.enum(['text', 'markdown', 'html']).default('text'),
  })
  .openapi('KnowledgeDocumentInput');

const AskInput = z
  .strictObject({
    question: z.string().trim().min(1).max(4096),
    history: z
      .array(
        z.strictObject({
          role: z.enum(['customer', 'business']),
          text: z.string().max(4096),
        }),
      )
      .max(20)
      .optional()
      .describe('Earlier messages of the conversation, oldest first, as the responder passes them'),
  })
  .openapi('AskInput');

const AskResultSchema = z
  .object({
    answer: z.string(),
    handoff: z.boolean(),
    reason: z
      .enum(['no_relevant_passage', 'model_cannot_answer', 'reply_rejected', 'customer_asked'])
      .optional(),
    language: z.string().describe("The customer's language (ISO 639-1) the reply and handoff are in"),
    confidence: z
      .number()
      .describe('Relevance of the passage the answer rests on, compared with the threshold'),
    followUp: z.boolean().describe("Whether the question was searched with the customer's previous message"),
    answeredBy: z.enum(['model', 'excerpt']),
    passages: z.array(
      z.object({
        url: z.string(),
        title: z.string(),
        heading: z.string(),
        text: z.string(),
        score: z.number(),
        relevance: z.number(),
      }),
    ),
  })
  .openapi('AskResult');

const routes = {
  create: createRoute({
    method: 'post',
    path: '/api/knowledge/sources',
    operationId: 'createKnowledgeSource',
    tags,
    security,
    summary: "Crawl a website into the assistant's knowledge (asynchronously, through the crawl queue)",
    request: { body: jsonBody(SourceInput) },
    responses: {
      202: jsonResponse(SourceSchema, 'Queued for crawling'),
      ...common,
      422: errorResponse('The URL points at an address the crawler refuses'),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/api/knowledge/sources',
    operationId: 'listKnowledgeSources',
    tags,
    security,
    summary: 'Knowledge sources (websites and documents), newest first',
    responses: { 200: jsonResponse(z.object({ items: z.array(SourceSchema) }), 'Sources'), ...common },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/knowledge/sources/{id}',
    operationId: 'getKnowledgeSource',
    tags,
    security,
    summary: 'A source: state, pages found, indexed and skipped (with reasons), errors',
    request: { params: IdParam },
    responses: {
      200: jsonResponse(SourceSchema, 'The source'),
      ...common,
      404: errorResponse('No such source'),
    },
  }),
  refresh: createRoute({
    method: 'post',
    path: '/api/knowledge/sources/{id}/refresh',
    operationId: 'refreshKnowledgeSource',
    tags,
    security,
    summary: 'Crawl a website again; unchanged pages are not embedded again, removed pages are dropped',
    request: { params: IdParam },
    responses: {
      202: jsonResponse(SourceSchema, 'Queued for crawling'),
      ...common,
      404: errorResponse('No such source'),
      409: errorResponse('A crawl is already queued or running, or the source is a document'),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/api/knowledge/sources/{id}',
    operationId: 'deleteKnowledgeSource',
    tags,
    security,
    summary: 'Delete a source and every passage of it',
    request: { params: IdParam },
    responses: { 204: { description: 'Deleted' }, ...common, 404: errorResponse('No such source') },
  }),
  document: createRoute({
    method: 'post',
    path: '/api/knowledge/documents',
    operationId: 'createKnowledgeDocument',
    tags,
    security,
    summary: 'Add content directly (FAQs, pages behind a login); indexed before the response',
    request: { body: jsonBody(DocumentInput) },
    responses: {
      201: jsonResponse(SourceSchema, 'Indexed'),
      ...common,
      422: errorResponse('No text in the content'),
    },
  }),
  ask: createRoute({
    method: 'post',
    path: '/api/knowledge/ask',
    operationId: 'askKnowledge',
    tags,
    security,
    summary:
      'Ask the assistant a question as a customer would: the answer, its passages, and whether it hands over',
    request: { body: jsonBody(AskInput) },
    responses: {
      200: jsonResponse(AskResultSchema, 'What the assistant would reply'),
      ...common,
      503: errorResponse('The language or embeddings model failed after its retries (model_unavailable)'),
    },
  }),
};

export interface KnowledgeRouteDeps {
  readonly knowledge: KnowledgeStore;
  readonly crawlQueue: CrawlQueue;
  readonly clock: Clock;
  readonly knowledgeBase: KnowledgeBase;
  readonly indexer: KnowledgeIndexer;
  readonly crawlerPolicy: AddressPolicy;
}

/** The API's view of a source (mutable arrays, as the response schema types them). */
function view(s: KnowledgeSource): z.infer<typeof SourceSchema> {
  return { ...s, skipped: s.skipped.map((x) => ({ ...x })), errors: [...s.errors] };
}

export function registerKnowledgeRoutes(app: OpenAPIHono<AppEnv>, d: KnowledgeRouteDeps): void {
  const mustGet = async (id: string) => {
    const source = await d.knowledge.getSource(id);
    if (!source) throw new NotFoundError(`knowledge source ${id} does not exist`);
    return source;
  };

  app.openapi(routes.create, async (c) => {
    const input = c.req.valid('json');
    const refused = checkUrl(new URL(input.url), d.crawlerPolicy);
    if (refused) {
      throw new ApiError(422, 'url_refused', `url: ${refused}`, [{ field: 'url', message: refused }]);
    }
    const now = d.clock.now();
    const source = newSource(ulid(now.getTime()), now.toISOString(), {
      kind: 'website',
      state: 'queued',
      url: input.url,
      maxPages: input.maxPages,
      maxDepth: input.maxDepth,
    });
    await d.knowledge.createSource(source);
    await d.crawlQueue.send({ sourceId: source.id });
    return c.json(view(source), 202);
  });

  app.openapi(routes.list, async (c) => c.json({ items: (await d.knowledge.listSources()).map(view) }, 200));

  app.openapi(routes.get, async (c) => c.json(view(await mustGet(c.req.valid('param').id)), 200));

  app.openapi(routes.refresh, async (c) => {
    const { id } = c.req.valid('param');
    const source = await mustGet(id);
    if (source.kind !== 'website') {
      throw new ApiError(
        409,
        'not_a_website',
        'a document is not crawled; post it again to replace its content',
      );
    }
    const now = d.clock.now().toISOString();
    if (!(await d.knowledge.transitionSource(id, ['ready', 'failed'], 'queued', now))) {
      throw new ApiError(
        409,
        'crawl_in_progress',
        `source ${id} is ${(await mustGet(id)).state}; wait for it to finish`,
      );
    }
    await d.crawlQueue.send({ sourceId: id });
    return c.json(view(await mustGet(id)), 202);
  });

  app.openapi(routes.remove, async (c) => {
    const { id } = c.req.valid('param');
    await mustGet(id);
    await d.knowledge.deleteSource(id);
    await d.knowledge.bumpVersion();
    return c.body(null, 204);
  });

  app.openapi(routes.document, async (c) => {
    const input = c.req.valid('json');
    const now = d.clock.now();
    const id = ulid(now.getTime());
    // HTML parsing is loaded with the first document, not at every cold start of the api.
    const { extractPage, textToBlocks } = await import('../../domain/knowledge/html');
    const extracted =
      input.format === 'html'
        ? extractPage(input.content, input.url ?? 'https://document.invalid/')
        : undefined;
    const blocks = extracted
      ? extracted.blocks
      : textToBlocks(input.content, input.format as 'text' | 'markdown');
    if (blocks.length === 0) {
      throw new ApiError(422, 'no_text', 'content: no readable text in the content', [
        { field: 'content', message: 'no readable text' },
      ]);
    }
    // A document without a URL is cited by its title.
    const url = input.url ?? `document:${id}`;
    const source = newSource(id, now.toISOString(), {
      kind: 'document',
      state: 'queued',
      url,
      title: input.title,
    });
    await d.knowledge.createSource(source);
    try {
      const result = await d.indexer.indexPage(id, { url, title: input.title, blocks });
      const done = d.clock.now().toISOString();
      const recorded = await d.knowledge.updateSource(id, {
        state: 'ready',
        pagesFound: 1,
        pagesIndexed: 1,
        chunks: result.chunks,
        crawledAt: done,
        updatedAt: done,
      });
      if (!recorded) throw new NotFoundError(`knowledge source ${id} was deleted while it was indexed`);
      await d.knowledge.bumpVersion();
    } catch (error) {
      // Nothing half-written stays behind: the source and any passages go.
      await d.knowledge.deleteSource(id).catch(() => undefined);
      throw error;
    }
    return c.json(view(await mustGet(id)), 201);
  });

  app.openapi(routes.ask, async (c) => {
    const { question, history } = c.req.valid('json');
    const result = await d.knowledgeBase.ask(question, history ?? []).catch((error: unknown) => {
      if (error instanceof ModelUnavailableError) {
        throw new ApiError(503, 'model_unavailable', `the model ${error.message}`, { model: error.model });
      }
      throw error;
    });
    return c.json({ ...result, passages: result.passages.map((p) => ({ ...p })) }, 200);
  });
}
