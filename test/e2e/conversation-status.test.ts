/**
 * Conversation states through the local runtime: a customer asks for a person (open), an agent claims it
 * (assigned, with their name), the assistant stays silent, the agent resolves it, and the customer's next
 * message gives it back to the assistant, which answers. The steps run in order on one platform.
 */
import { inboundWebhook } from '../../bin/simulate';
import { type FixtureSite, startFixtureSite } from '../../local/fixture-site/server';
import { asUser, type SignedIn, signIn as signInAt } from '../support/console-session';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';
import { postSignedWebhook } from '../support/webhooks';

const SECRET = 'conversation-status-secret';
const AGENT_PASSWORD = 'agent-passphrase-for-tests';

interface Conversation {
  status: string;
  needsHuman: boolean;
  aiEnabled: boolean;
  assigneeId?: string;
  assigneeName?: string;
  statusChangedAt?: string;
  history?: { by: { kind: string; id?: string; name?: string }; action: string; from: string; to: string }[];
}
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
describe('conversation statuses and ownership', () => {
  jest.setTimeout(120_000);
  let p: TestPlatform;
  let site: FixtureSite;
  let agent: SignedIn;
  const phone = phoneNumber(7401);
  const path = `/api/conversations/${encodeURIComponent(phone)}`;

  const say = (text: string) => postSignedWebhook(p.url, inboundWebhook({ from: phone, text }), SECRET);
  const sent = () => p.printed.filter((l) => l.includes(`send to ${phone}:`));
  const conversation = async () => (await (await p.api(path)).json()) as Conversation;

  const signIn = (email: string, password: string) => signInAt(p.url, email, password);
  const as = (s: SignedIn, to: string, init: { method?: string; json?: unknown } = {}) =>
    asUser(p.url, s, to, init);
  async function expectError(res: Response, status: number, code: string) {
    const { error } = (await res.json()) as ErrorBody;
    expect({ status: res.status, code: error.code }).toEqual({ status, code });
    expect(error.message.length).toBeGreaterThan(0);
    return error;
  }

  beforeAll(async () => {
    site = await startFixtureSite();
    p = await bootPlatform({
      WHATSAPP_APP_SECRET: SECRET,
      CRAWLER_ALLOW_PRIVATE_HOSTS: 'true',
      ASSISTANT_COALESCE_SECONDS: '1',
      SEND_RATE_PER_SECOND: '1000',
    });
    const res = await p.api('/api/knowledge/sources', {
      method: 'POST',
      json: { url: `${site.url}/`, maxDepth: 3 },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await waitFor(
      async () => {
        const s = (await (await p.api(`/api/knowledge/sources/${id}`)).json()) as { state: string };
        return s.state === 'ready' ? true : undefined;
      },
      60_000,
      'the crawl',
    );

    const created = await p.api('/api/users', {
      method: 'POST',
      json: { email: 'ana@example.com', name: 'Ana Agent', role: 'agent' },
    });
    expect(created.status).toBe(201);
    const { password } = (await created.json()) as { password: string };
    const first = await signIn('ana@example.com', password);
    const changed = await as(first, '/api/auth/password', {
      method: 'POST',
      json: { currentPassword: password, newPassword: AGENT_PASSWORD },
    });
    expect(changed.status).toBe(204);
    agent = await signIn('ana@example.com', AGENT_PASSWORD);
  }, 90_000);
  afterAll(async () => {
    await p?.stop();
    await site?.close();
  });

  it('hands off when the customer asks for a person: the conversation is open', async () => {
    await say('I want to talk to a person');
    const notice = await waitFor(async () => sent()[0], 20_000, 'the handoff notice');
    expect(notice).toContain('passing this conversation to a member of our team');
    const c = await conversation();
    expect(c).toMatchObject({ status: 'open', needsHuman: true, aiEnabled: true });
    expect(c.history?.at(-1)).toMatchObject({
      action: 'handoff',
      from: 'ai',
      to: 'open',
      by: { kind: 'customer' },
    });

    const open = (await (await p.api('/api/conversations?status=open')).json()) as {
      items: { contact: string }[];
    };
    expect(open.items.map((i) => i.contact)).toContain(phone);
    const ai = (await (await p.api('/api/conversations?status=ai')).json()) as {
      items: { contact: string }[];
    };
    expect(ai.items.map((i) => i.contact)).not.toContain(phone);
  });

  it('an agent claims it: assigned to them by name; an API key must name the user', async () => {
    await expectError(await p.api(`${path}/claim`, { method: 'POST' }), 400, 'invalid_request');
    await expectError(
      await p.api(`${path}/claim`, { method: 'POST', json: { assigneeId: '01NOSUCHUSER' } }),
      422,
      'invalid_assignee',
    );
    const res = await as(agent, `${path}/claim`, { method: 'POST' });
    expect(res.status).toBe(200);
    const c = (await res.json()) as Conversation;
    expect(c).toMatchObject({
      status: 'assigned',
      needsHuman: true,
      assigneeId: agent.userId,
      assigneeName: 'Ana Agent',
    });
    expect(c.history?.at(-1)).toMatchObject({
      action: 'claim',
      from: 'open',
      to: 'assigned',
      by: { kind: 'user', id: agent.userId, name: 'Ana Agent' },
    });
    // An agent may not assign, and claiming again is no change.
    await expectError(
      await as(agent, `${path}/assign`, { method: 'POST', json: { userId: agent.userId } }),
      403,
      'forbidden',
    );
    expect((await as(agent, `${path}/claim`, { method: 'POST' })).status).toBe(200);
    // A person asking to hand off a conversation someone owns is refused in words.
    const refused = await expectError(
      await p.api(`${path}/handoff`, { method: 'POST' }),
      409,
      'invalid_state',
    );
    expect(refused.message).toContain('already assigned to Ana Agent');
    expect(refused.details).toEqual({ status: 'assigned' });
  });

  it('the assistant stays silent while the conversation is assigned', async () => {
    await say('What are your opening hours?');
    await new Promise((r) => setTimeout(r, 3500));
    expect(sent()).toHaveLength(1);
    expect((await conversation()).status).toBe('assigned');
  });

  it('resolve ends it; the customer writes again and the assistant answers', async () => {
    const res = await as(agent, `${path}/resolve`, { method: 'POST' });
    expect(res.status).toBe(200);
    const resolved = (await res.json()) as Conversation;
    expect(resolved).toMatchObject({ status: 'resolved', needsHuman: false });
    expect(resolved.assigneeId).toBeUndefined();
    await expectError(await as(agent, `${path}/resolve`, { method: 'POST' }), 409, 'invalid_state');
    await expectError(await as(agent, `${path}/claim`, { method: 'POST' }), 409, 'invalid_state');

    await say('What is your address?');
    await waitFor(async () => (sent().length === 2 ? true : undefined), 20_000, 'the answer');
    expect(sent()[1]).toContain('14 Quay Street');
    const c = await conversation();
    expect(c.status).toBe('ai');
    expect(c.history?.map((h) => `${h.action}:${h.to}`)).toEqual([
      'handoff:open',
      'claim:assigned',
      'resolve:resolved',
      'customer_message:ai',
    ]);
  });

  it('an API key assigns to an enabled user, and PATCH needsHuman=false gives it back to the assistant', async () => {
    await expectError(
      await p.api(`${path}/assign`, { method: 'POST', json: { userId: 'nobody' } }),
      422,
      'invalid_assignee',
    );
    const res = await p.api(`${path}/assign`, { method: 'POST', json: { userId: agent.userId } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'assigned', assigneeName: 'Ana Agent' });
    const patched = await p.api(path, { method: 'PATCH', json: { needsHuman: false } });
    expect(await patched.json()).toMatchObject({ status: 'ai', needsHuman: false });
    await expectError(
      await p.api('/api/conversations/4915199999999/resolve', { method: 'POST' }),
      404,
      'not_found',
    );
  });
});
