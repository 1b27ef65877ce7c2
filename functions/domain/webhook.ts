import type { SendError } from './campaign';

/**
 * Meta's webhook payload, flattened into the updates the platform applies one by one. Every entry,
 * change and item is visited; anything unknown is kept as `other` so it is logged, never a failure.
 */
export type WebhookUpdate =
  | {
      readonly kind: 'status';
      readonly wamid: string;
      readonly status: 'sent' | 'delivered' | 'read' | 'failed' | string;
      readonly at: string;
      readonly recipientId: string;
      readonly recipientUserId?: string;
      readonly callbackData?: string;
      readonly errors: readonly SendError[];
    }
  | {
      readonly kind: 'message';
      readonly wamid: string;
      /** E.164 ("+" added), or "" when WhatsApp sent only a business-scoped user id. */
      readonly from: string;
      readonly fromUserId?: string;
      readonly profileName?: string;
      readonly at: string;
      readonly type: string;
      /** What the customer said, as text: the body, a caption, a button or list title. */
      readonly text?: string;
      /** One readable line for any type. */
      readonly summary: string;
      readonly buttonPayload?: string;
      readonly contextWamid?: string;
      readonly raw: Record<string, unknown>;
    }
  | {
      readonly kind: 'preference';
      readonly waId: string;
      readonly value: 'stop' | 'resume' | string;
      readonly category: string;
      readonly at: string;
    }
  | { readonly kind: 'error'; readonly error: SendError }
  | { readonly kind: 'other'; readonly field: string; readonly detail: string };

export type ParseNotification =
  | {
      readonly ok: true;
      readonly phoneNumberIds: readonly string[];
      readonly changes: readonly WebhookChange[];
    }
  | { readonly ok: false; readonly reason: string };

/** One entry's change, the unit the webhook puts on the events queue. */
export interface WebhookChange {
  readonly entryId: string;
  readonly field: string;
  readonly value: Record<string, unknown>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** Checks that a body is a WhatsApp Business Account notification and lists its changes. */
export function readNotification(body: unknown): ParseNotification {
  if (!isObj(body)) return { ok: false, reason: 'the body is not a JSON object' };
  if (body.object !== 'whatsapp_business_account') {
    return {
      ok: false,
      reason: `"object" must be "whatsapp_business_account" (got ${JSON.stringify(body.object)})`,
    };
  }
  if (!Array.isArray(body.entry)) return { ok: false, reason: '"entry" must be an array' };
  const changes: WebhookChange[] = [];
  const ids = new Set<string>();
  for (const entry of body.entry) {
    if (!isObj(entry)) continue;
    for (const change of arr(entry.changes)) {
      if (!isObj(change) || !isObj(change.value)) continue;
      const metadata = isObj(change.value.metadata) ? change.value.metadata : {};
      const id = str(metadata.phone_number_id);
      if (id) ids.add(id);
      changes.push({
        entryId: str(entry.id) ?? '',
        field: str(change.field) ?? 'unknown',
        value: change.value,
      });
    }
  }
  return { ok: true, phoneNumberIds: [...ids], changes };
}

function isoFromUnix(value: unknown): string {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0
    ? new Date(seconds * 1000).toISOString()
    : new Date(0).toISOString();
}

function readError(e: unknown): SendError {
  const o = isObj(e) ? e : {};
  const data = isObj(o.error_data) ? o.error_data : {};
  const code = typeof o.code === 'number' ? o.code : Number.isFinite(Number(o.code)) ? Number(o.code) : null;
  return {
    code,
    title: str(o.title) ?? str(o.message) ?? 'Unknown error',
    ...(str(o.message) ? { message: str(o.message) } : {}),
    ...(str(data.details) ? { details: str(data.details) } : {}),
  };
}

/** Flattens one change into updates, in the order Meta listed them. */
export function updatesOf(change: WebhookChange): WebhookUpdate[] {
  const v = change.value;
  const updates: WebhookUpdate[] = [];
  const profiles = new Map<string, { name?: string; userId?: string }>();
  for (const c of arr(v.contacts)) {
    if (!isObj(c)) continue;
    const profile = isObj(c.profile) ? c.profile : {};
    const entry = {
      ...(str(profile.name) ? { name: str(profile.name) } : {}),
      ...(str(c.user_id) ? { userId: str(c.user_id) } : {}),
    };
    const waId = str(c.wa_id);
    if (waId) profiles.set(waId, entry);
    if (str(c.user_id)) profiles.set(str(c.user_id)!, entry);
  }

  if (change.field === 'messages' || v.messages || v.statuses) {
    for (const m of arr(v.messages)) {
      if (!isObj(m)) continue;
      const fromRaw = str(m.from) ?? '';
      const fromUserId = str(m.from_user_id);
      const profile = profiles.get(fromRaw) ?? (fromUserId ? profiles.get(fromUserId) : undefined);
      const described = describeInbound(m);
      const context = isObj(m.context) ? str(m.context.id) : undefined;
      updates.push({
        kind: 'message',
        wamid: str(m.id) ?? '',
        from: fromRaw ? `+${fromRaw.replace(/^\+/, '')}` : '',
        ...((fromUserId ?? profile?.userId) ? { fromUserId: fromUserId ?? profile?.userId } : {}),
        ...(profile?.name ? { profileName: profile.name } : {}),
        at: isoFromUnix(m.timestamp),
        type: str(m.type) ?? 'unknown',
        ...described,
        ...(context ? { contextWamid: context } : {}),
        raw: m,
      });
    }
    for (const s of arr(v.statuses)) {
      if (!isObj(s)) continue;
      updates.push({
        kind: 'status',
        wamid: str(s.id) ?? '',
        status: str(s.status) ?? 'unknown',
        at: isoFromUnix(s.timestamp),
        recipientId: str(s.recipient_id) ?? '',
        ...(str(s.recipient_user_id) ? { recipientUserId: str(s.recipient_user_id) } : {}),
        ...(str(s.biz_opaque_callback_data) ? { callbackData: str(s.biz_opaque_callback_data) } : {}),
        errors: arr(s.errors).map(readError),
      });
    }
    for (const e of arr(v.errors)) updates.push({ kind: 'error', error: readError(e) });
  }
  if (change.field === 'user_preferences' || v.user_preferences) {
    for (const p of arr(v.user_preferences)) {
      if (!isObj(p)) continue;
      updates.push({
        kind: 'preference',
        waId: str(p.wa_id) ?? '',
        value: str(p.value) ?? '',
        category: str(p.category) ?? '',
        at: isoFromUnix(p.timestamp),
      });
    }
  }
  if (updates.length === 0) {
    updates.push({ kind: 'other', field: change.field, detail: Object.keys(v).join(',') });
  }
  return updates;
}

/** The text and a one-line summary of an inbound message of any type. */
export function describeInbound(m: Obj): { text?: string; summary: string; buttonPayload?: string } {
  const type = str(m.type) ?? 'unknown';
  const part = isObj(m[type]) ? (m[type] as Obj) : {};
  const caption = str(part.caption);
  switch (type) {
    case 'text': {
      const body = str(part.body) ?? '';
      return { text: body, summary: body };
    }
    case 'image':
    case 'video':
    case 'sticker':
      return {
        ...(caption ? { text: caption } : {}),
        summary: `[${type}${part.animated === true ? ' (animated)' : ''}]${caption ? ` ${caption}` : ''}`,
      };
    case 'audio':
      return { summary: part.voice === true ? '[voice message]' : '[audio]' };
    case 'document':
      return {
        ...(caption ? { text: caption } : {}),
        summary: `[document${str(part.filename) ? ` ${str(part.filename)}` : ''}]${caption ? ` ${caption}` : ''}`,
      };
    case 'location': {
      const where = [str(part.name), str(part.address)].filter(Boolean).join(', ');
      return {
        summary: `[location ${str(part.latitude)},${str(part.longitude)}${where ? ` ${where}` : ''}]`,
      };
    }
    case 'contacts': {
      const names = arr(m.contacts)
        .map((c) => (isObj(c) && isObj(c.name) ? str(c.name.formatted_name) : undefined))
        .filter(Boolean);
      return { summary: `[contact card${names.length ? ` ${names.join(', ')}` : ''}]` };
    }
    case 'reaction': {
      const emoji = str(part.emoji);
      return { summary: emoji ? `[reaction ${emoji}]` : '[reaction removed]' };
    }
    case 'button': {
      const text = str(part.text) ?? str(part.payload) ?? '';
      return {
        text,
        summary: `[button] ${text}`,
        ...(str(part.payload) ? { buttonPayload: str(part.payload) } : {}),
      };
    }
    case 'interactive': {
      const kind = str(part.type) ?? '';
      const reply = isObj(part[kind]) ? (part[kind] as Obj) : {};
      const title = str(reply.title) ?? '';
      return {
        text: title,
        summary: `[${kind === 'list_reply' ? 'list choice' : 'button'}] ${title}`,
        ...(str(reply.id) ? { buttonPayload: str(reply.id) } : {}),
      };
    }
    case 'system': {
      const body = str(part.body) ?? '';
      return { summary: `[system] ${body}` };
    }
    case 'unsupported': {
      const errors = arr(m.errors).map(readError);
      return { summary: `[unsupported message${errors[0] ? `: ${errors[0].title}` : ''}]` };
    }
    default:
      return { summary: `[${type}]` };
  }
}
