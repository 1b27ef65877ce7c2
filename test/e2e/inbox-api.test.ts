/**
 * The inbox's API through the local runtime (DEV mode): unread counts and waiting times from customer
 * messages, the change feed a console polls, read receipts and the assistant's typing indicator, private
 * notes, an agent's reply with their name and its delivery ticks from status webhooks, canned replies
 * (admins write, agents read), and the template an agent must choose once the 24-hour window has closed.
 */
import { inboundWebhook } from '../../bin/simulate';
import { asUser, newUser, type SignedIn } from '../support/console-session';
import { fixtureJson } from '../support/fixtures';
import { bootPlatform, type TestPlatform } from '../support/platform';
import { phoneNumber, waitFor } from '../support/wait';
import { postSignedWebhook } from '../support/webhooks';

const SECRET = 'inbox-api-secret';

interface Conversation {
  contact: string;
  status: string;
  unread?: number;
  waitingSince?: string;
  changedAt?: string;
  lastInboundWamid?: string;
  assigneeId?: string;
}
interface Message {
  wamid: string;
  direction: 'in' | 'out' | 'note';
  source?: string;
  text?: string;
  agent?: { id: string; name: string };
  delivery?: { status: string; error?: { code: number | string | null; title: string } };
}
type Page<T> = { items: T[]; nextCursor?: string };

describe('the inbox API', () => {
  jest.setTimeout(120_000);
  let p: TestPlatform;
  let agent: SignedIn;
  const phone = phoneNumber(7501);
  const path = `/api/conversations/${encodeURIComponent(phone)}`;

  const post = (payload: unknown) => postSignedWebhook(p.url, payload, SECRET);
  const say = (text: string, from = phone, at?: Date) =>
    post(inboundWebhook({ from, text, ...(at ? { at } : {}) }));
  const conversation = async (of = path) => (await (await p.api(of)).json()) as Conversation;
  const thread = async () =>
    ((await (await p.api(`${path}/messages?order=newest&limit=50`)).json()) as Page<Message>).items;
  const printed = (fragment: string) => p.printed.filter((l) => l.includes(fragment));

  /** A status webhook as Meta sends it (the real payload, for our message). */
  function status(wamid: string, value: 'delivered' | 'read') {
    const payload = fixtureJson<{
      entry: { changes: { value: { contacts?: unknown; statuses: Record<string, unknown>[] } }[] }[];
    }>('20-status-read-cbp.json');
    const v = payload.entry[0]!.changes[0]!.value;
    delete v.contacts;
    Object.assign(v.statuses[0]!, {
      id: wamid,
      status: value,
      recipient_id: phone.slice(1),
      timestamp: String(Math.floor(Date.now() / 1000)),
    });
    return payload;
  }

  beforeAll(async () => {
    p = await bootPlatform({
      WHATSAPP_APP_SECRET: SECRET,
      ASSISTANT_COALESCE_SECONDS: '1',
      SEND_RATE_PER_SECOND: '1000',
    });
    agent = await newUser(p, { email: 'bea@example.com', name: 'Bea Agent', role: 'agent' });
  }, 90_000);
  afterAll(async () => {
    await p?.stop();
  });

  it('counts what the customer wrote and how long they have waited; the assistant shows typing first', async () => {
    await say('I want to talk to a person');
    await waitFor(async () => printed(`send to ${phone}:`)[0], 20_000, 'the handoff notice');
    await say('are you there?');
    const c = await waitFor(
      async () => {
        const now = await conversation();
        return now.unread === 2 ? now : undefined;
      },
      10_000,
      'two unread messages',
    );
    expect(c.status).toBe('open');
    const messages = await thread();
    const first = messages.filter((m) => m.direction === 'in').at(-1)!;
    const second = messages.filter((m) => m.direction === 'in')[0]!;
    expect(c.lastInboundWamid).toBe(second.wamid);
    // The handoff notice is the platform's own: the customer still waits for a person since their first.
    expect(Date.parse(c.waitingSince!)).toBeLessThanOrEqual(Date.parse(c.changedAt!));
    expect(messages.find((m) => m.source === 'system')).toBeDefined();
    // The assistant marked the message it answered read and showed "typing…" before the notice.
    await waitFor(async () => printed(`read receipt for ${first.wamid} (typing`)[0], 10_000, 'typing');
    expect(printed(`read receipt for ${second.wamid}`)).toEqual([]);

    const waiting = (await (await p.api('/api/conversations?waiting=true')).json()) as Page<Conversation>;
    expect(waiting.items.map((x) => x.contact)).toContain(phone);
  });

  it('feeds a poller what changed since its cursor, and nothing older', async () => {
    const before = await conversation();
    const other = phoneNumber(7502);
    await say('hello from someone else', other);
    await waitFor(
      async () => (await p.api(`/api/conversations/${encodeURIComponent(other)}`)).ok || undefined,
      10_000,
      'the other conversation',
    );
    const since = (await conversation(`/api/conversations/${encodeURIComponent(other)}`)).changedAt!;
    const quiet = (await (
      await p.api(`/api/conversations?changedSince=${encodeURIComponent(since)}`)
    ).json()) as Page<Conversation>;
    expect(quiet.items.map((x) => x.contact)).not.toContain(phone);

    const claimed = await asUser(p.url, agent, `${path}/claim`, { method: 'POST' });
    expect(claimed.status).toBe(200);
    const feed = (await (
      await p.api(`/api/conversations?changedSince=${encodeURIComponent(since)}`)
    ).json()) as Page<Conversation>;
    const mine = feed.items.find((x) => x.contact === phone);
    expect(mine).toMatchObject({ status: 'assigned', assigneeId: agent.userId });
    expect(Date.parse(mine!.changedAt!)).toBeGreaterThan(Date.parse(before.changedAt!));

    const assigned = (await (
      await asUser(p.url, agent, '/api/conversations?assignee=me')
    ).json()) as Page<Conversation>;
    expect(assigned.items.map((x) => x.contact)).toEqual([phone]);
    const noMe = await p.api('/api/conversations?assignee=me');
    expect(noMe.status).toBe(400);
  });

  it('opening the conversation clears its unread count and marks the latest message read, once', async () => {
    const c = await conversation();
    const res = await asUser(p.url, agent, `${path}/read`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Conversation).unread).toBe(0);
    await waitFor(async () => printed(`read receipt for ${c.lastInboundWamid}`)[0], 10_000, 'the receipt');
    expect(await asUser(p.url, agent, `${path}/read`, { method: 'POST' })).toHaveProperty('status', 200);
    await new Promise((r) => setTimeout(r, 500));
    expect(printed(`read receipt for ${c.lastInboundWamid}`)).toHaveLength(1);
  });

  it('keeps a private note in the thread without sending it', async () => {
    const sentBefore = printed(`send to ${phone}:`).length;
    const res = await asUser(p.url, agent, `${path}/notes`, {
      method: 'POST',
      json: { text: 'Customer called yesterday about the same order' },
    });
    expect(res.status).toBe(201);
    const [latest] = await thread();
    expect(latest).toMatchObject({
      direction: 'note',
      text: 'Customer called yesterday about the same order',
      agent: { id: agent.userId, name: 'Bea Agent' },
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(printed(`send to ${phone}:`)).toHaveLength(sentBefore);
    const empty = await asUser(p.url, agent, `${path}/notes`, { method: 'POST', json: { text: '  ' } });
    expect(empty.status).toBe(400);
  });

  it("stores the agent's name on their reply, ends the wait, and moves its ticks from status webhooks", async () => {
    const res = await asUser(p.url, agent, `${path}/messages`, {
      method: 'POST',
      json: { text: 'Hi, this is Bea. How can I help?' },
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await waitFor(async () => printed(`send to ${phone}: Hi, this is Bea.`)[0], 10_000, 'the reply');
    const { wamid } = await waitFor(
      async () => {
        const m = (await (await p.api(`/api/messages/${id}`)).json()) as { wamid?: string };
        return m.wamid ? (m as { wamid: string }) : undefined;
      },
      10_000,
      'the wamid',
    );
    const reply = () => thread().then((items) => items.find((m) => m.wamid === wamid));
    expect(await waitFor(reply, 10_000, 'the reply in the thread')).toMatchObject({
      direction: 'out',
      source: 'agent',
      agent: { id: agent.userId, name: 'Bea Agent' },
      delivery: { status: 'sent' },
    });
    const c = await conversation();
    expect(c.waitingSince).toBeUndefined();
    expect(c.status).toBe('assigned');

    await post(status(wamid, 'read'));
    await waitFor(
      async () => ((await reply())?.delivery?.status === 'read' ? true : undefined),
      10_000,
      'read',
    );
    // A late "delivered" does not move a read message back.
    await post(status(wamid, 'delivered'));
    await new Promise((r) => setTimeout(r, 700));
    expect((await reply())?.delivery?.status).toBe('read');
  });

  it('lets admins write canned replies and agents read them', async () => {
    const denied = await asUser(p.url, agent, '/api/canned-replies/hours', {
      method: 'PUT',
      json: { text: 'We are open 9 to 5' },
    });
    expect(denied.status).toBe(403);
    const bad = await p.api('/api/canned-replies/Opening%20Hours', { method: 'PUT', json: { text: 'x' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('shortcut');
    const saved = await p.api('/api/canned-replies/hours', {
      method: 'PUT',
      json: { text: 'We are open Monday to Friday, 9:00 to 17:00.' },
    });
    expect(saved.status).toBe(200);
    const list = (await (await asUser(p.url, agent, '/api/canned-replies')).json()) as {
      items: { shortcut: string; text: string }[];
    };
    expect(list.items).toEqual([
      expect.objectContaining({ shortcut: 'hours', text: 'We are open Monday to Friday, 9:00 to 17:00.' }),
    ]);
    expect((await p.api('/api/canned-replies/hours', { method: 'DELETE' })).status).toBe(204);
    expect((await p.api('/api/canned-replies/hours', { method: 'DELETE' })).status).toBe(404);
  });

  it('needs a template once the window has closed', async () => {
    const late = phoneNumber(7503);
    const latePath = `/api/conversations/${encodeURIComponent(late)}`;
    await say('hello, anyone?', late, new Date(Date.now() - 25 * 3600_000));
    await waitFor(async () => (await p.api(latePath)).ok || undefined, 10_000, 'the old conversation');
    const text = await asUser(p.url, agent, `${latePath}/messages`, {
      method: 'POST',
      json: { text: 'Hi!' },
    });
    expect(text.status).toBe(409);
    expect(((await text.json()) as { error: { code: string } }).error.code).toBe('window_closed');

    const created = await p.api('/api/templates', {
      method: 'POST',
      json: { name: 'follow_up', body: 'Hello {{name}}, we saw your message. Reply to continue.' },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const missing = await asUser(p.url, agent, `${latePath}/messages`, {
      method: 'POST',
      json: { templateId: id },
    });
    expect(missing.status).toBe(422);
    const res = await asUser(p.url, agent, `${latePath}/messages`, {
      method: 'POST',
      json: { templateId: id, variables: { name: 'Sam' } },
    });
    expect(res.status).toBe(202);
    await waitFor(
      async () => printed(`send to ${late}: Hello Sam, we saw your message.`)[0],
      10_000,
      'the template reply',
    );
  });
});
