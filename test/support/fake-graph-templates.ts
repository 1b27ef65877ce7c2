/**
 * The template half of the fake Graph API (FakeGraphServer serves it on the same port), shaped after
 * Meta's WhatsApp Business Management API: `GET /{version}/{WABA_ID}/message_templates` lists the account's
 * templates a page at a time (`limit`, `after`, paging.cursors and paging.next), `POST` to the same path
 * creates one after Meta's own checks (answering PENDING, or Meta's error), and the webhooks Meta sends when
 * a template's status, quality or category changes are built here for tests to sign and post.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface FakeTemplate {
  id: string;
  name: string;
  language: string;
  status: string;
  category: string;
  parameter_format?: 'NAMED' | 'POSITIONAL';
  components: Record<string, unknown>[];
  quality_score?: { score: string; date?: number };
  rejected_reason?: string;
}

export interface FakeCreation {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown>;
}

const PATH = /^\/v\d+\.\d+\/([^/?]+)\/message_templates$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

const metaError = (status: number, code: number, subcode: number, message: string, userMessage: string) => ({
  status,
  body: {
    error: {
      message,
      type: 'OAuthException',
      code,
      error_subcode: subcode,
      is_transient: false,
      error_user_title: 'Template invalid',
      error_user_msg: userMessage,
      fbtrace_id: 'FAKE',
    },
  },
});

export class FakeGraphTemplates {
  readonly templates: FakeTemplate[] = [];
  readonly creations: FakeCreation[] = [];
  /** Each list request: its page size, cursor and name filter, and the token it came with. */
  readonly listRequests: {
    limit: number;
    after?: string;
    name?: string;
    authorization: string | undefined;
  }[] = [];
  /** The WhatsApp Business Account the fake answers for; other ids get Meta's unknown-object error. */
  businessAccountId = '102290129340398';
  /** Templates per page when the request names no limit (Meta's default is 25). */
  defaultPageSize = 25;
  /** At most this many per page, whatever the request asks (forces paging in tests). */
  maxPageSize: number | undefined;
  private nextId = 1_000_000_000;

  constructor(private readonly baseUrl: () => string) {}

  add(t: Partial<FakeTemplate> & Pick<FakeTemplate, 'name' | 'language'>): FakeTemplate {
    const template: FakeTemplate = {
      id: t.id ?? String(this.nextId++),
      status: 'APPROVED',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hello' }],
      ...t,
    };
    this.templates.push(template);
    return template;
  }

  find(name: string, language: string): FakeTemplate | undefined {
    return this.templates.find((t) => t.name === name && t.language === language);
  }

  /** Answers a template request and says so; anything else is left to the caller. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = PATH.exec(url.pathname);
    if (!match) return false;
    const method = req.method ?? 'GET';
    const send = (answer: { status: number; body: unknown }) => {
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    };
    if (decodeURIComponent(match[1]!) !== this.businessAccountId) {
      send(metaError(400, 100, 33, 'Unsupported get request. Object does not exist', 'Unknown account'));
      return true;
    }
    if (!/^Bearer .+/.test(req.headers.authorization ?? '')) {
      send({
        status: 401,
        body: { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 } },
      });
      return true;
    }
    if (method === 'GET') send(this.list(url, req.headers.authorization));
    else if (method === 'POST')
      send(this.create(await readJson(req), url.pathname, req.headers.authorization));
    else send({ status: 405, body: { error: { message: 'method not allowed', code: 100 } } });
    return true;
  }

  private list(url: URL, authorization: string | undefined) {
    const asked = Number(url.searchParams.get('limit') ?? this.defaultPageSize);
    const limit = Math.max(1, Math.min(asked, this.maxPageSize ?? asked));
    const after = url.searchParams.get('after') ?? undefined;
    const name = url.searchParams.get('name') ?? undefined;
    this.listRequests.push({ limit, ...(after ? { after } : {}), ...(name ? { name } : {}), authorization });
    const all = name ? this.templates.filter((t) => t.name.includes(name)) : this.templates;
    const start = after ? Number(Buffer.from(after, 'base64url').toString('utf8')) : 0;
    const page = all.slice(start, start + limit);
    const cursor = (i: number) => Buffer.from(String(i), 'utf8').toString('base64url');
    const more = start + limit < all.length;
    const fields = (url.searchParams.get('fields') ?? 'name,status,id').split(',');
    const next = new URL(`${this.baseUrl()}${url.pathname}`);
    for (const [k, v] of url.searchParams) if (k !== 'after') next.searchParams.set(k, v);
    next.searchParams.set('after', cursor(start + limit));
    return {
      status: 200,
      body: {
        data: page.map((t) =>
          Object.fromEntries(Object.entries(t).filter(([k]) => fields.includes(k) || k === 'id')),
        ),
        paging: {
          cursors: { before: cursor(start), after: cursor(start + page.length) },
          ...(more ? { next: next.toString() } : {}),
        },
      },
    };
  }

  /** Meta's checks at creation, as far as the platform's own checks could be wrong about them. */
  private create(body: Record<string, unknown>, path: string, authorization: string | undefined) {
    this.creations.push({ path, authorization, body });
    const name = String(body.name ?? '');
    const language = String(body.language ?? '');
    const category = String(body.category ?? '');
    const components = Array.isArray(body.components) ? (body.components as Record<string, unknown>[]) : [];
    if (!/^[a-z0-9_]{1,512}$/.test(name))
      return metaError(
        400,
        100,
        2388042,
        'Invalid parameter',
        'Template names use lower-case letters, digits and underscores.',
      );
    if (!['MARKETING', 'UTILITY', 'AUTHENTICATION'].includes(category))
      return metaError(400, 100, 2388042, 'Invalid parameter', `Category ${category} is not valid.`);
    if (this.find(name, language))
      return metaError(400, 100, 2388024, 'Invalid parameter', 'Content in this language already exists.');
    const bodyComponent = components.find((c) => c.type === 'BODY');
    const text = String(bodyComponent?.text ?? '');
    if (!text) return metaError(400, 100, 2388042, 'Invalid parameter', 'A body is required.');
    const params = [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
    if (params.length > 0) {
      const trimmed = text.trim();
      if (/^\{\{/.test(trimmed) || /\}\}$/.test(trimmed))
        return metaError(
          400,
          100,
          2388299,
          'Invalid parameter',
          "Variables can't be at the start or end of the template.",
        );
      if (/\}\}\s*\{\{/.test(text))
        return metaError(400, 100, 2388299, 'Invalid parameter', "Variables can't be next to each other.");
      const example = bodyComponent?.example as Record<string, unknown> | undefined;
      const named =
        (example?.body_text_named_params as { param_name?: string; example?: string }[] | undefined) ?? [];
      const missing = params.filter((p) => !named.some((n) => n.param_name === p && n.example));
      if (body.parameter_format === 'NAMED' && missing.length > 0)
        return metaError(
          400,
          100,
          2388043,
          'Invalid parameter',
          `Samples are missing for ${missing.join(', ')}.`,
        );
    }
    const created = this.add({
      name,
      language,
      status: 'PENDING',
      category,
      ...(body.parameter_format === 'NAMED'
        ? { parameter_format: 'NAMED' as const }
        : { parameter_format: 'POSITIONAL' as const }),
      components,
    });
    return { status: 200, body: { id: created.id, status: 'PENDING', category } };
  }
}

/** A webhook of one template field, as Meta posts it to the app's callback URL. */
function templateWebhook(
  businessAccountId: string,
  field: string,
  value: Record<string, unknown>,
  time: number,
) {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: businessAccountId, time, changes: [{ value, field }] }],
  };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** `message_template_status_update`: APPROVED, REJECTED (with a reason), PAUSED, DISABLED, FLAGGED... */
export function templateStatusWebhook(
  t: Pick<FakeTemplate, 'id' | 'name' | 'language' | 'category'>,
  event: string,
  options: { reason?: string; businessAccountId?: string; time?: number } = {},
) {
  return templateWebhook(
    options.businessAccountId ?? '102290129340398',
    'message_template_status_update',
    {
      event,
      message_template_id: Number(t.id),
      message_template_name: t.name,
      message_template_language: t.language,
      reason: options.reason ?? 'NONE',
      message_template_category: t.category,
      ...(event === 'DISABLED' ? { disable_info: { disable_date: nowSeconds() } } : {}),
    },
    options.time ?? nowSeconds(),
  );
}

/** `message_template_quality_update`: GREEN, YELLOW, RED or UNKNOWN. */
export function templateQualityWebhook(
  t: Pick<FakeTemplate, 'id' | 'name' | 'language'>,
  previous: string,
  next: string,
  options: { businessAccountId?: string; time?: number } = {},
) {
  return templateWebhook(
    options.businessAccountId ?? '102290129340398',
    'message_template_quality_update',
    {
      previous_quality_score: previous,
      new_quality_score: next,
      message_template_id: Number(t.id),
      message_template_name: t.name,
      message_template_language: t.language,
    },
    options.time ?? nowSeconds(),
  );
}

/** `template_category_update`: completed (previous → new), or announced (`correct_category`, when). */
export function templateCategoryWebhook(
  t: Pick<FakeTemplate, 'id' | 'name' | 'language'>,
  change: { previous: string; next: string } | { current: string; correct: string; at: number },
  options: { businessAccountId?: string; time?: number } = {},
) {
  return templateWebhook(
    options.businessAccountId ?? '102290129340398',
    'template_category_update',
    {
      message_template_id: Number(t.id),
      message_template_name: t.name,
      message_template_language: t.language,
      ...('previous' in change
        ? { previous_category: change.previous, new_category: change.next }
        : {
            correct_category: change.correct,
            new_category: change.current,
            category_update_timestamp: change.at,
          }),
    },
    options.time ?? nowSeconds(),
  );
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
