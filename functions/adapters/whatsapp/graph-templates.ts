/**
 * LIVE mode: the WhatsApp Business Account's templates through the Graph API.
 * `GET /{version}/{WABA_ID}/message_templates` lists them a page at a time (paging.cursors.after until
 * there is no `paging.next`); `POST` to the same path creates one, which Meta answers with its id and
 * status (PENDING while it is reviewed).
 */
import type { CreationRequest } from '../../domain/meta-template-submit';
import { actionForCode, type SendFailure } from '../../domain/whatsapp-errors';
import type { MetaTemplateApi } from '../../ports';
import { parseGraphError } from './graph-sender';
import { describeFetchError } from './graph-transport';

export interface GraphTemplatesOptions {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly businessAccountId: string;
  readonly accessToken: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  /** Templates per page (Meta's default is 25). */
  readonly pageSize?: number;
}

/** The fields a sync reads; Meta lists only a few unless asked. */
export const TEMPLATE_FIELDS = [
  'id',
  'name',
  'language',
  'status',
  'category',
  'parameter_format',
  'components',
  'quality_score',
  'rejected_reason',
].join(',');

/** A runaway account (or a paging bug) stops here: Meta allows 250 templates per account. */
const MAX_PAGES = 100;

type Failed = { ok: false; failure: SendFailure };

export class GraphTemplateApi implements MetaTemplateApi {
  private readonly url: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly o: GraphTemplatesOptions) {
    this.url = `${o.baseUrl}/${o.apiVersion}/${o.businessAccountId}/message_templates`;
    this.fetchImpl = o.fetch ?? fetch;
  }

  async list(filter: { name?: string } = {}) {
    const items: unknown[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const query = new URLSearchParams({
        fields: TEMPLATE_FIELDS,
        limit: String(this.o.pageSize ?? 100),
        ...(filter.name ? { name: filter.name } : {}),
        ...(after ? { after } : {}),
      });
      // The next page is asked for by its cursor on our own base URL: `paging.next` is a full URL, and the
      // access token is never sent anywhere but the configured Graph API.
      const answer = await this.call('GET', `${this.url}?${query}`);
      if (!answer.ok) return answer;
      const body = answer.body as {
        data?: unknown;
        paging?: { next?: unknown; cursors?: { after?: unknown } };
      };
      if (!Array.isArray(body?.data)) {
        return failed({
          code: null,
          httpStatus: answer.status,
          title: 'Unexpected response',
          message: 'the Graph API answered the template list without a data array',
        });
      }
      items.push(...body.data);
      pages += 1;
      const cursor = body.paging?.cursors?.after;
      after = body.paging?.next && typeof cursor === 'string' && cursor ? cursor : undefined;
    } while (after && pages < MAX_PAGES);
    return { ok: true as const, items, pages };
  }

  async create(request: CreationRequest) {
    const answer = await this.call('POST', this.url, request);
    if (!answer.ok) return answer;
    const body = answer.body as { id?: unknown; status?: unknown; category?: unknown } | undefined;
    if (typeof body?.id !== 'string' && typeof body?.id !== 'number') {
      return failed({
        code: null,
        httpStatus: answer.status,
        title: 'Unexpected response',
        message: 'the Graph API accepted the template but answered no id',
      });
    }
    return {
      ok: true as const,
      id: String(body.id),
      status: typeof body.status === 'string' ? body.status.toUpperCase() : 'PENDING',
      ...(typeof body.category === 'string' ? { category: body.category.toUpperCase() } : {}),
    };
  }

  private async call(
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
  ): Promise<{ ok: true; status: number; body: unknown } | Failed> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers: {
          authorization: `Bearer ${this.o.accessToken}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
    } catch (error) {
      return failed({
        code: null,
        title: 'Graph API unreachable',
        message: describeFetchError(error, this.o.timeoutMs),
      });
    }
    const text = await response.text().catch(() => '');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.ok) return { ok: true, status: response.status, body };
    return { ok: false, failure: withUserMessage(parseGraphError(body, response.status, text), body) };
  }
}

/**
 * Template creation errors say what is wrong in `error_user_title` / `error_user_msg` (the `message` is
 * often just "Invalid parameter"): those words are the failure's details.
 */
function withUserMessage(failure: SendFailure, body: unknown): SendFailure {
  const e = (body as { error?: { error_user_title?: unknown; error_user_msg?: unknown } } | undefined)?.error;
  const words = [e?.error_user_title, e?.error_user_msg].filter((w) => typeof w === 'string' && w).join(': ');
  return words ? { ...failure, details: failure.details ? `${failure.details} ${words}` : words } : failure;
}

function failed(f: Omit<SendFailure, 'action'>): Failed {
  return { ok: false, failure: { ...f, action: actionForCode(f.code, f.httpStatus) } };
}
