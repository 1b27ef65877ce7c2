/**
 * Who answers a conversation, as a state machine: `ai` (the assistant), `open` (waiting for a person),
 * `assigned` (a named user owns it) and `resolved`. Pure: the store reads the state, asks `transition` for
 * the next one and writes it conditionally on the state it read.
 */
import { ConflictError } from './errors';

export type ConversationStatus = 'ai' | 'open' | 'assigned' | 'resolved';
export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ['ai', 'open', 'assigned', 'resolved'];

/** Who changes the state: a signed-in user, an API key, the assistant, or the customer by writing. */
export type StatusActor =
  | { readonly kind: 'user'; readonly id: string; readonly name: string; readonly admin: boolean }
  | { readonly kind: 'api'; readonly id: string; readonly name: string }
  | { readonly kind: 'assistant' }
  | { readonly kind: 'customer' };

export interface Assignee {
  readonly id: string;
  readonly name: string;
}

export type StatusAction =
  /** The assistant, a keyword, or a person asks for a person. */
  | { readonly type: 'handoff'; readonly reason?: string }
  /** A user takes the conversation (an API key names the user). */
  | { readonly type: 'claim'; readonly assignee: Assignee }
  /** An admin (or an API key) gives the conversation to a user. */
  | { readonly type: 'assign'; readonly assignee: Assignee }
  | { readonly type: 'resolve' }
  /** The customer wrote: a resolved conversation starts again. */
  | { readonly type: 'customer_message' }
  /** The conversation goes back to the assistant (PATCH needsHuman: false). */
  | { readonly type: 'release' };

export interface StatusState {
  readonly status: ConversationStatus;
  readonly assigneeId?: string;
  readonly assigneeName?: string;
  /** The assistant's switch for this contact: off, a restarted conversation waits for a person. */
  readonly aiEnabled: boolean;
}

export interface StatusChange {
  readonly at: string;
  readonly by: { readonly kind: StatusActor['kind']; readonly id?: string; readonly name?: string };
  readonly action: StatusAction['type'];
  readonly from: ConversationStatus;
  readonly to: ConversationStatus;
  readonly assigneeId?: string;
  readonly assigneeName?: string;
  readonly reason?: string;
}

/** The most changes a conversation keeps (the newest). */
export const MAX_STATUS_HISTORY = 50;

export type TransitionResult =
  | { readonly ok: true; readonly changed: false }
  | {
      readonly ok: true;
      readonly changed: true;
      readonly status: ConversationStatus;
      readonly assignee?: Assignee;
    }
  | { readonly ok: false; readonly message: string };

/** A refused transition, answered 409 invalid_state. */
export class ConversationStateError extends ConflictError {
  constructor(
    message: string,
    readonly status: ConversationStatus,
  ) {
    super(message);
  }
}

/** A person must answer: the assistant stays silent. */
export const needsHuman = (status: ConversationStatus) => status === 'open' || status === 'assigned';

/** The assistant may answer (and send a reply it prepared) only in `ai`, with the assistant on. */
export const assistantMayAnswer = (c: {
  status?: ConversationStatus;
  aiEnabled: boolean;
  needsHuman?: boolean;
}) => c.aiEnabled && (c.status ?? (c.needsHuman ? 'open' : 'ai')) === 'ai';

/** A conversation stored before statuses existed: `needsHuman` tells which. */
export const legacyStatus = (needs: boolean | undefined): ConversationStatus => (needs ? 'open' : 'ai');

const owner = (s: StatusState) => s.assigneeName ?? s.assigneeId ?? 'someone';
const refuse = (message: string): TransitionResult => ({ ok: false, message });
const UNCHANGED: TransitionResult = { ok: true, changed: false };
const to = (status: ConversationStatus, assignee?: Assignee): TransitionResult => ({
  ok: true,
  changed: true,
  status,
  ...(assignee ? { assignee } : {}),
});

const mayAssign = (actor: StatusActor) => actor.kind === 'api' || (actor.kind === 'user' && actor.admin);

/** A signed-in agent (not an admin) acting on a conversation that another user owns. */
const ownedByAnother = (state: StatusState, actor: StatusActor) =>
  state.status === 'assigned' && actor.kind === 'user' && !actor.admin && state.assigneeId !== actor.id;

export function transition(state: StatusState, action: StatusAction, actor: StatusActor): TransitionResult {
  const s = state.status;
  switch (action.type) {
    case 'handoff':
      if (s === 'ai' || s === 'resolved') return to('open');
      if (s === 'open') return UNCHANGED;
      // Assigned: a person has it already. The assistant or a keyword changes nothing; a person asking
      // for "a person" on a conversation someone owns is told to assign or resolve it instead.
      if (actor.kind === 'assistant' || actor.kind === 'customer') return UNCHANGED;
      return refuse(
        `the conversation is already assigned to ${owner(state)}; assign it to someone else or resolve it`,
      );
    case 'claim': {
      if (actor.kind === 'assistant' || actor.kind === 'customer')
        return refuse('only a person claims a conversation');
      if (s === 'ai' || s === 'open') return to('assigned', action.assignee);
      if (s === 'resolved')
        return refuse('the conversation is resolved; it starts again when the customer writes');
      if (state.assigneeId === action.assignee.id) return UNCHANGED;
      if (!mayAssign(actor))
        return refuse(
          `the conversation is already assigned to ${owner(state)}; only an admin can take it over`,
        );
      return to('assigned', action.assignee);
    }
    case 'assign':
      if (!mayAssign(actor)) return refuse('only an admin or an API key assigns a conversation');
      if (s === 'resolved')
        return refuse('the conversation is resolved; it starts again when the customer writes');
      if (s === 'assigned' && state.assigneeId === action.assignee.id) return UNCHANGED;
      return to('assigned', action.assignee);
    case 'resolve':
      if (actor.kind === 'assistant' || actor.kind === 'customer')
        return refuse('only a person resolves a conversation');
      if (s === 'resolved') return refuse('the conversation is already resolved');
      if (ownedByAnother(state, actor))
        return refuse(
          `the conversation is assigned to ${owner(state)}; only they or an admin can resolve it`,
        );
      return to('resolved');
    case 'customer_message':
      if (s !== 'resolved') return UNCHANGED;
      return to(state.aiEnabled ? 'ai' : 'open');
    case 'release':
      if (s === 'ai') return UNCHANGED;
      // Giving someone else's conversation back to the assistant would let an agent claim it next.
      if (ownedByAnother(state, actor))
        return refuse(
          `the conversation is assigned to ${owner(state)}; only they or an admin can give it back to the assistant`,
        );
      return to('ai');
  }
}

/** The history entry for a change (who, what, when). */
export function statusChange(
  at: string,
  actor: StatusActor,
  action: StatusAction,
  from: ConversationStatus,
  result: Extract<TransitionResult, { changed: true }>,
): StatusChange {
  const by =
    actor.kind === 'user' || actor.kind === 'api'
      ? { kind: actor.kind, id: actor.id, name: actor.name }
      : { kind: actor.kind };
  return {
    at,
    by,
    action: action.type,
    from,
    to: result.status,
    ...(result.assignee ? { assigneeId: result.assignee.id, assigneeName: result.assignee.name } : {}),
    ...(action.type === 'handoff' && action.reason ? { reason: action.reason } : {}),
  };
}

/** The history with one more change, at most MAX_STATUS_HISTORY long (the oldest go). */
export function appendHistory(
  history: readonly StatusChange[] | undefined,
  change: StatusChange,
): StatusChange[] {
  return [...(history ?? []), change].slice(-MAX_STATUS_HISTORY);
}
