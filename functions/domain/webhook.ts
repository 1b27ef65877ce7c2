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
      /** How Meta bills it (`pricing.category`, `pricing.billable`); absent on some statuses. */
      readonly pricing?: { readonly category: string; readonly billable: boolean };
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
  | TemplateUpdate
  | { readonly kind: 'other'; readonly field: string; readonly detail: string };

/** A template webhook: a Meta template is named by its name and language (its id is kept when given). */
interface TemplateRef {
  readonly metaId?: string;
  readonly name: string;
  readonly language: string;
  /** When Meta raised it (the entry's time), if the webhook said. */
  readonly at?: string;
}

/**
 * `message_template_status_update`, `message_template_quality_update` and `template_category_update`. A
 * category change is `pending` when Meta announces it (it applies later) and completed otherwise.
 */
export type TemplateUpdate =
  | (TemplateRef & {
      readonly kind: 'template_status';
      readonly event: string;
      readonly reason?: string;
      readonly category?: string;
      readonly disableDate?: string;
      readonly info?: string;
    })
  | (TemplateRef & {
      readonly kind: 'template_quality';
      readonly quality: string;
      readonly previous?: string;
    })
  | (TemplateRef & {
      readonly kind: 'template_category';
      /** The category it is sent as once this change applies (the new one, or the announced one). */
      readonly category: string;
      readonly previous?: string;
      readonly pending?: { readonly at?: string };
    });

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
  /** The entry's `time` (Unix seconds): when Meta raised it. */
  readonly time?: number;
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
      const time = Number(entry.time);
      changes.push({
        entryId: str(entry.id) ?? '',
        field: str(change.field) ?? 'unknown',
        value: change.value,
        ...(Number.isFinite(time) && time > 0 && time < MAX_UNIX_SECONDS ? { time } : {}),
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
        ...pricingOf(s.pricing),
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
  const template = templateUpdateOf(change.field, v, change.time);
  if (template) updates.push(template);
  if (updates.length === 0) {
    updates.push({ kind: 'other', field: change.field, detail: Object.keys(v).join(',') });
  }
  return updates;
}

const upper = (v: unknown) => str(v)?.toUpperCase();

/** One template webhook's update, or undefined for another field (or one without a name and language). */
function templateUpdateOf(field: string, v: Obj, time: number | undefined): TemplateUpdate | undefined {
  const name = str(v.message_template_name);
  const language = str(v.message_template_language);
  if (!name || !language) return undefined;
  const ref = {
    ...(str(v.message_template_id) ? { metaId: str(v.message_template_id) } : {}),
    name,
    language,
    ...(time ? { at: new Date(time * 1000).toISOString() } : {}),
  };
  if (field === 'message_template_status_update') {
    const event = upper(v.event);
    if (!event) return undefined;
    const reason = str(v.reason);
    const disable = isObj(v.disable_info) ? v.disable_info : undefined;
    const other = isObj(v.other_info) ? v.other_info : undefined;
    const info = other ? [str(other.title), str(other.description)].filter(Boolean).join(': ') : undefined;
    return {
      kind: 'template_status',
      ...ref,
      event,
      ...(reason && reason.toUpperCase() !== 'NONE' ? { reason } : {}),
      ...(upper(v.message_template_category) ? { category: upper(v.message_template_category) } : {}),
      ...(disable && disable.disable_date !== undefined
        ? { disableDate: isoFromUnixOrText(disable.disable_date) }
        : {}),
      ...(info ? { info } : {}),
    };
  }
  if (field === 'message_template_quality_update') {
    const quality = upper(v.new_quality_score);
    if (!quality) return undefined;
    return {
      kind: 'template_quality',
      ...ref,
      quality,
      ...(upper(v.previous_quality_score) ? { previous: upper(v.previous_quality_score) } : {}),
    };
  }
  if (field === 'template_category_update') {
    // Announced: correct_category is what it will be, new_category what it is now. Done: new_category.
    const announced = upper(v.correct_category);
    const category = announced ?? upper(v.new_category);
    if (!category) return undefined;
    return {
      kind: 'template_category',
      ...ref,
      category,
      ...(announced
        ? {
            ...(upper(v.new_category) ? { previous: upper(v.new_category) } : {}),
            pending:
              v.category_update_timestamp !== undefined
                ? { at: isoFromUnixOrText(v.category_update_timestamp) }
                : {},
          }
        : upper(v.previous_category)
          ? { previous: upper(v.previous_category) }
          : {}),
    };
  }
  return undefined;
}

/** Meta gives times as Unix seconds (sometimes as text); anything else is kept as written. */
function isoFromUnixOrText(value: unknown): string {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 && seconds < MAX_UNIX_SECONDS
    ? new Date(seconds * 1000).toISOString()
    : String(value);
}

/** Later than any time Meta sends (the year 5138), and well within what a Date can hold. */
const MAX_UNIX_SECONDS = 1e11;

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

function pricingOf(p: unknown): { pricing?: { category: string; billable: boolean } } {
  if (!isObj(p)) return {};
  const category = str(p.category);
  return category ? { pricing: { category, billable: p.billable === true } } : {};
}
