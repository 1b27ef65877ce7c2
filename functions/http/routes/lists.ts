import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ulid } from 'ulid';
import { NotFoundError } from '../../domain/errors';
import { phones, recipientChecks, recipientsCsv } from '../../domain/on-demand';
import type { RecipientInput } from '../../domain/recipients';
import type { Clock, ListStore } from '../../ports';
import type { AppEnv } from '../app-env';
import { defaultCountryOf } from '../default-country';
import { ApiError } from '../errors';

import {
  CountryCodeSchema,
  describedQuery,
  errorResponse,
  IdParam,
  jsonBody,
  jsonResponse,
  ListQuery,
  pageOf,
  VariableName,
} from '../schemas';
import { contactKey } from './conversations';

const tags = ['Lists'];
const security = [{ bearerAuth: [] }];
const common = { 400: errorResponse('Invalid request'), 401: errorResponse('Missing or invalid API key') };

const ListSchema = z
  .object({ id: z.string(), name: z.string(), createdAt: z.string() })
  .openapi('ContactList');
const MemberSchema = z
  .object({ phone: z.string(), attributes: z.record(z.string(), z.string()) })
  .openapi('ListMember');
const ImportSchema = z
  .strictObject({
    contacts: z
      .array(
        z.strictObject({
          phone: z.string().min(1).max(40),
          attributes: z.record(VariableName, z.string().max(1024)).default({}),
        }),
      )
      .min(1)
      .max(200_000),
    defaultCountry: CountryCodeSchema.optional(),
  })
  .openapi('ListImport');

const routes = {
  create: createRoute({
    method: 'post',
    path: '/api/lists',
    operationId: 'createList',
    tags,
    security,
    summary: 'Create a contact list',
    request: { body: jsonBody(z.strictObject({ name: z.string().trim().min(1).max(200) })) },
    responses: { 201: jsonResponse(ListSchema, 'Created'), ...common },
  }),
  list: createRoute({
    method: 'get',
    path: '/api/lists',
    operationId: 'listLists',
    tags,
    security,
    summary: 'Contact lists, newest first',
    request: { query: ListQuery },
    responses: {
      200: jsonResponse(pageOf(ListSchema), 'A page'),
      ...common,
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/api/lists/{id}',
    operationId: 'getList',
    tags,
    security,
    summary: 'A contact list',
    request: { params: IdParam },
    responses: { 200: jsonResponse(ListSchema, 'The list'), ...common, 404: errorResponse('No such list') },
  }),
  import: createRoute({
    method: 'post',
    path: '/api/lists/{id}/contacts',
    operationId: 'importListContacts',
    tags,
    security,
    summary:
      'Add contacts with attributes (JSON, or CSV with a phone column); all rows valid or nothing is stored',
    parameters: describedQuery(
      z.object({ defaultCountry: CountryCodeSchema.optional() }),
      'For a text/csv body only: the country of numbers written without + and country code',
    ),
    request: {
      params: IdParam,
      body: {
        required: true,
        content: {
          'application/json': { schema: ImportSchema },
          'text/csv': { schema: z.string().openapi({ example: 'phone,customerName\n+4915112345678,Anna' }) },
        },
      },
    },
    responses: {
      200: jsonResponse(
        z.object({ added: z.number().int(), duplicatesMerged: z.number().int() }),
        'Imported',
      ),
      ...common,
      404: errorResponse('No such list'),
      422: errorResponse('Some rows are invalid (all listed); nothing was stored'),
    },
  }),
  members: createRoute({
    method: 'get',
    path: '/api/lists/{id}/contacts',
    operationId: 'listListContacts',
    tags,
    security,
    summary: "A list's contacts with their attributes",
    request: { params: IdParam, query: ListQuery },
    responses: {
      200: jsonResponse(pageOf(MemberSchema), 'A page'),
      ...common,
      404: errorResponse('No such list'),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/api/lists/{id}/contacts/{contact}',
    operationId: 'removeListContact',
    tags,
    security,
    summary: 'Remove a contact from a list (the contact and its opt-out state stay)',
    request: {
      params: IdParam.extend({
        contact: z
          .string()
          .min(3)
          .max(40)
          .openapi({ param: { name: 'contact', in: 'path' } }),
      }),
    },
    responses: { 204: { description: 'Removed' }, ...common, 404: errorResponse('Not in this list') },
  }),
};

export function registerListRoutes(app: OpenAPIHono<AppEnv>, d: { lists: ListStore; clock: Clock }): void {
  const mustExist = async (id: string) => {
    if (!(await d.lists.get(id))) throw new NotFoundError(`list ${id} does not exist`);
  };

  app.openapi(routes.create, async (c) => {
    const list = {
      id: ulid(d.clock.now().getTime()),
      name: c.req.valid('json').name,
      createdAt: d.clock.now().toISOString(),
    };
    await d.lists.create(list);
    return c.json(list, 201);
  });

  app.openapi(routes.list, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await d.lists.list({ limit, ...(cursor ? { cursor } : {}) });
    return c.json(
      { items: [...page.items], ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
      200,
    );
  });

  app.openapi(routes.get, async (c) => {
    const id = c.req.valid('param').id;
    const list = await d.lists.get(id);
    if (!list) throw new NotFoundError(`list ${id} does not exist`);
    return c.json(list, 200);
  });

  /** Validates every row before storing any: a single bad row rejects the import, listing them all. */
  async function importRows(
    id: string,
    rows: { row: number; input: RecipientInput }[],
    defaultCountry?: string,
  ) {
    await mustExist(id);
    const country = await defaultCountryOf(defaultCountry);
    const { validateRecipients } = await recipientChecks();
    const checked = validateRecipients(rows, {
      requiredVariables: [],
      ...(country ? { defaultCountry: country } : {}),
    });
    if (!checked.ok) {
      throw new ApiError(
        422,
        'invalid_contacts',
        `${checked.rows.length === 1 ? '1 row' : `${checked.rows.length} rows`} cannot be used; nothing was stored`,
        {
          rows: checked.rows,
        },
      );
    }
    await d.lists.addMembers(
      id,
      checked.recipients.map((r) => ({ phone: r.phone, attributes: r.variables })),
    );
    return { added: checked.recipients.length, duplicatesMerged: checked.duplicatesMerged };
  }

  // CSV arrives as text/csv and is read here, before the JSON validator of the route below.
  app.use('/api/lists/:id/contacts', async (c, next) => {
    if (c.req.method !== 'POST' || !/^text\/csv\b/i.test(c.req.header('content-type') ?? '')) return next();
    const csv = (await recipientsCsv()).parseRecipientsCsv(await c.req.text());
    if (!csv.ok) {
      throw new ApiError(
        csv.rows ? 422 : 400,
        csv.rows ? 'invalid_contacts' : 'invalid_csv',
        csv.message,
        csv.rows ? { rows: csv.rows } : undefined,
      );
    }
    return c.json(await importRows(c.req.param('id') ?? '', csv.rows, c.req.query('defaultCountry')), 200);
  });

  app.openapi(routes.import, async (c) => {
    const body = c.req.valid('json') as z.infer<typeof ImportSchema>;
    const rows = body.contacts.map((m, i) => ({
      row: i + 1,
      input: { phone: m.phone, variables: m.attributes },
    }));
    return c.json(await importRows(c.req.valid('param').id, rows, body.defaultCountry), 200);
  });

  app.openapi(routes.members, async (c) => {
    const id = c.req.valid('param').id;
    await mustExist(id);
    const { limit, cursor } = c.req.valid('query');
    const page = await d.lists.members(id, { limit, ...(cursor ? { cursor } : {}) });
    return c.json(
      {
        items: page.items.map((m) => ({ phone: m.phone, attributes: { ...m.attributes } })),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      },
      200,
    );
  });

  app.openapi(routes.remove, async (c) => {
    const { id, contact } = c.req.valid('param');
    const phone = (await phones()).normalizePhone(contactKey(contact));
    const removed = phone.ok && (await d.lists.removeMember(id, phone.e164));
    if (!removed) throw new NotFoundError(`${contact} is not in list ${id}`);
    return c.body(null, 204);
  });
}
