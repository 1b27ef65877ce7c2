import { buildGraphPayload } from '../../domain/graph-payload';
import type { OutboundMessage } from '../../domain/outbound-message';
import { actionForCode, type SendFailure } from '../../domain/whatsapp-errors';
import type { SendResult, WhatsAppSender } from '../../ports';

export interface GraphSenderOptions {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly phoneNumberId: string;
  readonly accessToken: string;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
  /**
   * Readies a message before it is sent: stored media is uploaded to WhatsApp and referenced by the id
   * it answers (graph-media-upload.ts). A failure is the send's failure.
   */
  readonly prepare?: (
    message: OutboundMessage,
  ) => Promise<{ ok: true; message: OutboundMessage } | { ok: false; failure: SendFailure }>;
}

/** LIVE mode: one POST per message to Meta's Cloud API; failures come back as values, never thrown. */
export class GraphWhatsAppSender implements WhatsAppSender {
  private readonly url: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: GraphSenderOptions) {
    this.url = `${options.baseUrl}/${options.apiVersion}/${options.phoneNumberId}/messages`;
    this.fetchImpl = options.fetch ?? fetch;
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const ready = this.options.prepare ? await this.options.prepare(message) : { ok: true as const, message };
    if (!ready.ok) return ready;
    const answer = await this.post(buildGraphPayload(ready.message));
    if (!answer.ok) return answer;
    const wamid = readWamid(answer.body);
    if (wamid) return { ok: true, wamid };
    return failure({
      code: null,
      httpStatus: answer.status,
      title: 'Unexpected response',
      message: 'The Graph API accepted the request but returned no message id',
      // Accepted without an id: sending again could duplicate the message.
      action: 'fail',
    });
  }

  /** Meta's read receipt, with the typing indicator when asked: a status posted to the messages endpoint. */
  async markRead(wamid: string, options: { typing: boolean }) {
    const answer = await this.post({
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: wamid,
      ...(options.typing ? { typing_indicator: { type: 'text' } } : {}),
    });
    return answer.ok ? ({ ok: true } as const) : answer;
  }

  private async post(
    payload: unknown,
  ): Promise<{ ok: true; status: number; body: unknown } | { ok: false; failure: SendFailure }> {
    let response: Response;
    try {
      response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.accessToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      // Checked by name: the abort's DOMException may come from another realm than our Error.
      const name = (error as { name?: unknown } | null)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      return failure({
        code: null,
        ...(timedOut ? { uncertain: true } : {}),
        title: timedOut ? 'Request timed out' : 'Network error',

        message: timedOut
          ? `No answer from the Graph API within ${this.options.timeoutMs} ms`
          : `Could not reach the Graph API: ${describeNetworkError(error)}`,
      });
    }
    const text = await response.text().catch(() => '');
    const body = safeJson(text);
    if (response.ok) return { ok: true, status: response.status, body };
    return { ok: false, failure: parseGraphError(body, response.status, text) };
  }
}

function describeNetworkError(error: unknown): string {
  const e = error as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return [e?.message, cause].filter((x) => typeof x === 'string' && x).join(': ') || String(error);
}

function failure(f: Omit<SendFailure, 'action'> & { action?: SendFailure['action'] }): {
  ok: false;
  failure: SendFailure;
} {
  return { ok: false, failure: { ...f, action: f.action ?? actionForCode(f.code, f.httpStatus) } };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readWamid(body: unknown): string | undefined {
  const messages = (body as { messages?: { id?: unknown }[] } | undefined)?.messages;
  const id = Array.isArray(messages) ? messages[0]?.id : undefined;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

interface MetaErrorBody {
  message?: unknown;
  type?: unknown;
  code?: unknown;
  error_data?: { details?: unknown };
  fbtrace_id?: unknown;
}

/**
 * Reads Meta's error body: `{"error":{code,message,error_data:{details},fbtrace_id}}`.
 * Titles are deprecated upstream, so the title comes from "(#code) title" in `message` when present.
 */
export function parseGraphError(body: unknown, httpStatus: number, rawText = ''): SendFailure {
  const e = (body as { error?: MetaErrorBody } | undefined)?.error;
  if (!e || typeof e !== 'object') {
    return {
      code: null,
      httpStatus,
      title: `HTTP ${httpStatus}`,
      message: rawText
        ? rawText.slice(0, 300)
        : `The Graph API answered HTTP ${httpStatus} without an error body`,
      action: actionForCode(null, httpStatus),
    };
  }
  const code = typeof e.code === 'number' ? e.code : Number.isFinite(Number(e.code)) ? Number(e.code) : null;
  const message = typeof e.message === 'string' ? e.message : `Error ${code ?? 'unknown'}`;
  const title = /^\(#\d+\)\s*(.+)$/.exec(message)?.[1] ?? message;
  const details = typeof e.error_data?.details === 'string' ? e.error_data.details : undefined;
  return {
    code,
    httpStatus,
    title,
    message,
    ...(details ? { details } : {}),
    ...(typeof e.fbtrace_id === 'string' ? { fbtraceId: e.fbtrace_id } : {}),
    action: actionForCode(code, httpStatus),
  };
}
