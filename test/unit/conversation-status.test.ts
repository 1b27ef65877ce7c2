import {
  appendHistory,
  assistantMayAnswer,
  type ConversationStatus,
  MAX_STATUS_HISTORY,
  type StatusAction,
  type StatusActor,
  type StatusState,
  statusChange,
  transition,
} from '../../functions/domain/conversation-status';

const ana = { id: 'u-ana', name: 'Ana' };
const ben = { id: 'u-ben', name: 'Ben' };
const agentAna: StatusActor = { kind: 'user', ...ana, admin: false };
const agentBen: StatusActor = { kind: 'user', ...ben, admin: false };
const admin: StatusActor = { kind: 'user', id: 'u-boss', name: 'Boss', admin: true };
const apiKey: StatusActor = { kind: 'api', id: 'k1', name: 'crm' };
const assistant: StatusActor = { kind: 'assistant' };
const customer: StatusActor = { kind: 'customer' };

const state = (status: ConversationStatus, extra: Partial<StatusState> = {}): StatusState => ({
  status,
  aiEnabled: true,
  ...(status === 'assigned' ? { assigneeId: ana.id, assigneeName: ana.name } : {}),
  ...extra,
});

/** The status a transition leads to, 'unchanged', or 'refused'. */
function outcome(s: StatusState, action: StatusAction, actor: StatusActor) {
  const r = transition(s, action, actor);
  if (!r.ok) return 'refused';
  return r.changed ? r.status : 'unchanged';
}

describe('conversation status transitions', () => {
  it.each([
    // handoff: by the assistant, a keyword (the customer), or a person
    ['ai', { type: 'handoff' }, assistant, 'open'],
    ['ai', { type: 'handoff' }, customer, 'open'],
    ['ai', { type: 'handoff' }, agentAna, 'open'],
    ['resolved', { type: 'handoff' }, apiKey, 'open'],
    ['open', { type: 'handoff' }, assistant, 'unchanged'],
    ['assigned', { type: 'handoff' }, assistant, 'unchanged'],
    ['assigned', { type: 'handoff' }, customer, 'unchanged'],
    // claim
    ['ai', { type: 'claim', assignee: ana }, agentAna, 'assigned'],
    ['open', { type: 'claim', assignee: ana }, agentAna, 'assigned'],
    ['open', { type: 'claim', assignee: ben }, apiKey, 'assigned'],
    ['assigned', { type: 'claim', assignee: ana }, agentAna, 'unchanged'],
    ['assigned', { type: 'claim', assignee: { id: 'u-boss', name: 'Boss' } }, admin, 'assigned'],
    ['assigned', { type: 'claim', assignee: ben }, apiKey, 'assigned'],
    // assign
    ['ai', { type: 'assign', assignee: ben }, admin, 'assigned'],
    ['open', { type: 'assign', assignee: ben }, apiKey, 'assigned'],
    ['assigned', { type: 'assign', assignee: ben }, admin, 'assigned'],
    ['assigned', { type: 'assign', assignee: ana }, admin, 'unchanged'],
    // resolve
    ['ai', { type: 'resolve' }, agentAna, 'resolved'],
    ['open', { type: 'resolve' }, apiKey, 'resolved'],
    ['assigned', { type: 'resolve' }, agentAna, 'resolved'],
    // the customer's next message
    ['resolved', { type: 'customer_message' }, customer, 'ai'],
    ['ai', { type: 'customer_message' }, customer, 'unchanged'],
    ['open', { type: 'customer_message' }, customer, 'unchanged'],
    ['assigned', { type: 'customer_message' }, customer, 'unchanged'],
    // back to the assistant (PATCH needsHuman: false)
    ['open', { type: 'release' }, agentAna, 'ai'],
    ['assigned', { type: 'release' }, apiKey, 'ai'],
    ['resolved', { type: 'release' }, apiKey, 'ai'],
    ['ai', { type: 'release' }, apiKey, 'unchanged'],
    ['assigned', { type: 'release' }, admin, 'ai'],
    ['assigned', { type: 'resolve' }, admin, 'resolved'],
  ] as [ConversationStatus, StatusAction, StatusActor, string][])(
    '%s + %o by %o → %s',
    (from, action, actor, expected) => {
      expect(outcome(state(from), action, actor)).toBe(expected);
    },
  );

  it('restarts a resolved conversation as open when the assistant is off for the contact', () => {
    expect(outcome(state('resolved', { aiEnabled: false }), { type: 'customer_message' }, customer)).toBe(
      'open',
    );
  });

  it('assigns to the named user, and clears the assignee when the conversation leaves assigned', () => {
    const claimed = transition(state('open'), { type: 'claim', assignee: ben }, agentBen);
    expect(claimed).toEqual({ ok: true, changed: true, status: 'assigned', assignee: ben });
    const resolved = transition(state('assigned'), { type: 'resolve' }, agentAna);
    expect(resolved).toEqual({ ok: true, changed: true, status: 'resolved' });
  });

  it.each([
    ['assigned', { type: 'claim', assignee: ben }, agentBen, /already assigned to Ana; only an admin/],
    [
      'resolved',
      { type: 'claim', assignee: ana },
      agentAna,
      /resolved; it starts again when the customer writes/,
    ],
    ['open', { type: 'claim', assignee: ana }, assistant, /only a person claims/],
    ['open', { type: 'assign', assignee: ben }, agentAna, /only an admin or an API key assigns/],
    ['resolved', { type: 'assign', assignee: ben }, admin, /resolved/],
    ['resolved', { type: 'resolve' }, agentAna, /already resolved/],
    ['ai', { type: 'resolve' }, assistant, /only a person resolves/],
    ['assigned', { type: 'handoff' }, agentBen, /already assigned to Ana/],
    // Another agent may not end or give back Ana's conversation (and then claim it): only Ana or an admin.
    ['assigned', { type: 'resolve' }, agentBen, /assigned to Ana; only they or an admin can resolve/],
    ['assigned', { type: 'release' }, agentBen, /only they or an admin can give it back/],
  ] as [ConversationStatus, StatusAction, StatusActor, RegExp][])(
    'refuses %s + %o by %o, in words',
    (from, action, actor, words) => {
      const r = transition(state(from), action, actor);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(words);
    },
  );

  it('lets the assistant answer only an ai conversation with the assistant on', () => {
    expect(assistantMayAnswer({ status: 'ai', aiEnabled: true })).toBe(true);
    expect(assistantMayAnswer({ status: 'ai', aiEnabled: false })).toBe(false);
    for (const status of ['open', 'assigned', 'resolved'] as const)
      expect(assistantMayAnswer({ status, aiEnabled: true })).toBe(false);
    // Stored before statuses: needsHuman decides.
    expect(assistantMayAnswer({ aiEnabled: true, needsHuman: false })).toBe(true);
    expect(assistantMayAnswer({ aiEnabled: true, needsHuman: true })).toBe(false);
  });

  it('records who changed what and when, keeping the newest 50 changes', () => {
    const action: StatusAction = { type: 'claim', assignee: ana };
    const result = transition(state('open'), action, agentAna);
    if (!result.ok || !result.changed) throw new Error('expected a change');
    const change = statusChange('2026-11-23T12:00:00.000Z', agentAna, action, 'open', result);
    expect(change).toEqual({
      at: '2026-11-23T12:00:00.000Z',
      by: { kind: 'user', id: ana.id, name: ana.name },
      action: 'claim',
      from: 'open',
      to: 'assigned',
      assigneeId: ana.id,
      assigneeName: ana.name,
    });
    const handoff = statusChange('t', assistant, { type: 'handoff', reason: 'customer_asked' }, 'ai', {
      ok: true,
      changed: true,
      status: 'open',
    });
    expect(handoff).toEqual({
      at: 't',
      by: { kind: 'assistant' },
      action: 'handoff',
      from: 'ai',
      to: 'open',
      reason: 'customer_asked',
    });

    let history = appendHistory(undefined, change);
    for (let i = 0; i < 60; i++) history = appendHistory(history, { ...change, at: `n${i}` });
    expect(history).toHaveLength(MAX_STATUS_HISTORY);
    expect(history.at(-1)?.at).toBe('n59');
    expect(history[0]?.at).toBe('n10');
  });
});
