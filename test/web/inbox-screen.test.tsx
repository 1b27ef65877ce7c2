import type { ComponentChildren } from 'preact';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { setCsrfToken } from '../../web/src/api';
import { serviceWindow } from '../../web/src/inbox';
import { InboxFeedContext, useInboxFeed } from '../../web/src/inbox-feed';
import { InboxScreen } from '../../web/src/screens/inbox';
import { ReplyBox } from '../../web/src/screens/inbox-reply';
import { ConversationThread } from '../../web/src/screens/inbox-thread';
import { SessionContext, type SessionInfo } from '../../web/src/session';
import { button, type, until, withHost } from './support/dom';

type Answer = { status: number; body: unknown } | ((request: Request) => { status: number; body: unknown });
let answers: Record<string, Answer>;
let requests: { method: string; url: URL; body: unknown; type: string | null }[];

const session: SessionInfo = {
  csrfToken: 'csrf-1',
  expiresAt: '2030-01-01T00:00:00.000Z',
  user: {
    id: 'u1',
    email: 'ana@example.com',
    name: 'Ana Agent',
    role: 'agent',
    disabled: false,
    failedSignIns: 0,
    mustChangePassword: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  },
};

beforeEach(() => {
  requests = [];
  answers = {
    'GET /api/canned-replies': {
      status: 200,
      body: {
        items: [
          { shortcut: 'greet', text: 'Hello! How can I help?', updatedAt: '2026-12-01T00:00:00Z' },
          { shortcut: 'hours', text: 'We open 9 to 5.', updatedAt: '2026-12-01T00:00:00Z' },
        ],
      },
    },
    'GET /api/conversations/+4915100000001': { status: 200, body: conversation('+4915100000001') },
    'POST /api/conversations/+4915100000001/messages': { status: 202, body: { id: 'm1' } },
    'POST /api/conversations/+4915100000001/notes': { status: 201, body: {} },
  };
  globalThis.fetch = jest.fn(async (input: RequestInfo | URL) => {
    const request = input as Request;
    const url = new URL(request.url);
    const text = request.method === 'GET' ? '' : await request.text();
    const json = request.headers.get('content-type')?.includes('json');
    requests.push({
      method: request.method,
      url,
      body: text && json ? JSON.parse(text) : text || undefined,
      type: request.headers.get('content-type'),
    });
    const key = `${request.method} ${decodeURIComponent(url.pathname)}`;
    const found = answers[key];
    const answer = typeof found === 'function' ? found(request) : (found ?? { status: 404, body: {} });
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  setCsrfToken('csrf-1');
});

function conversation(contact: string, extra: Record<string, unknown> = {}) {
  return {
    contact,
    lastMessageAt: '2026-12-02T10:00:00.000Z',
    lastMessagePreview: 'I want to talk to a person',
    lastDirection: 'in',
    aiEnabled: true,
    needsHuman: true,
    status: 'open',
    changedAt: '2026-12-02T10:00:00.000Z',
    ...extra,
  };
}

function Shell({ children, as = session }: { children: ComponentChildren; as?: SessionInfo }) {
  // Polls every 50 ms here instead of 1.5 s; three failures still slow it down (to 10 s).
  const feed = useInboxFeed({ pollMs: 50, slowMs: 10_000 });
  return (
    <SessionContext.Provider value={as}>
      <InboxFeedContext.Provider value={feed}>{children}</InboxFeedContext.Provider>
    </SessionContext.Provider>
  );
}

describe('the reply box', () => {
  let host!: HTMLElement;
  withHost((h) => {
    host = h;
  });
  const now = new Date();
  const open = serviceWindow(new Date(now.getTime() - 49 * 60_000).toISOString(), now);
  const box = (window = open, attributes?: Record<string, string>) => (
    <Shell>
      <ReplyBox
        contact="+4915100000001"
        window={window}
        attributes={attributes}
        optedOut={false}
        onSent={() => undefined}
      />
    </Shell>
  );
  const textarea = () => host.querySelector('textarea') as HTMLTextAreaElement;

  it('suggests canned replies after "/" and expands one with Tab or a click', async () => {
    render(box(), host);
    expect(host.textContent).toContain('Window closes in 23 h 11 min');
    await until(() => host.textContent?.includes('Type / for canned replies') ?? false, 'the canned replies');

    await act(() => type(textarea(), '/'));
    expect([...host.querySelectorAll('.suggestions code')].map((c) => c.textContent)).toEqual([
      '/greet',
      '/hours',
    ]);
    await act(() => type(textarea(), '/gr'));
    expect(host.querySelectorAll('.suggestions li')).toHaveLength(1);
    await act(() => {
      textarea().dispatchEvent(new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true }));
    });
    expect(textarea().value).toBe('Hello! How can I help?');
    expect(host.querySelector('.suggestions')).toBeNull();

    await act(() => type(textarea(), '/ho'));
    await act(() => (host.querySelector('.suggestions button') as HTMLButtonElement).click());
    expect(textarea().value).toBe('We open 9 to 5.');

    // Tab without a shortcut is left to the browser (focus moves on).
    await act(() => type(textarea(), 'plain words'));
    const tab = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
    await act(() => {
      textarea().dispatchEvent(tab);
    });
    expect(tab.defaultPrevented).toBe(false);
  });

  it('sends a known /shortcut as its text, never as "/shortcut"', async () => {
    render(box(), host);
    await until(() => host.textContent?.includes('Type / for canned replies') ?? false, 'the canned replies');
    await act(() => type(textarea(), '/greet Maria'));
    await act(() => button(host, 'Send')?.click());
    await until(() => host.textContent?.includes('Reply queued.') ?? false, 'the reply');
    const sent = requests.find((r) => r.method === 'POST');
    expect(sent?.url.pathname).toBe('/api/conversations/%2B4915100000001/messages');
    expect(sent?.body).toEqual({ text: 'Hello! How can I help? Maria' });
    expect(textarea().value).toBe('');
  });

  it('uploads an attached file as it is, then sends it with the text as its caption', async () => {
    answers['POST /api/media'] = {
      status: 201,
      body: {
        id: 'up_1',
        kind: 'image',
        mimeType: 'image/png',
        size: 2048,
        filename: 'part.png',
        url: '/api/media/up_1',
      },
    };
    render(box(), host);
    const input = host.querySelector('input[type="file"]') as HTMLInputElement;
    const file = new File(['PNGDATA'], 'part.png', { type: 'image/png' });
    Object.defineProperty(input, 'files', { value: [file] });
    await act(() => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await until(() => host.textContent?.includes('Attached: part.png (image, 2 KB)') ?? false, 'the upload');
    const uploaded = requests.find((r) => r.url.pathname === '/api/media')!;
    expect(uploaded.type).toBe('image/png');
    expect(uploaded.body).toBe('PNGDATA');
    expect(uploaded.url.searchParams.get('filename')).toBe('part.png');
    expect(host.querySelector('label[for]')?.textContent).toBe('Caption (optional)');

    await act(() => type(textarea(), 'The right one'));
    await act(() => button(host, 'Send')?.click());
    await until(() => host.textContent?.includes('part.png queued.') ?? false, 'the send');
    expect(requests.find((r) => r.url.pathname.endsWith('/messages'))?.body).toEqual({
      mediaId: 'up_1',
      caption: 'The right one',
    });
    expect(host.textContent).not.toContain('Attached:');
  });

  it('posts a private note instead when Note is on', async () => {
    render(box(), host);
    await act(() => (host.querySelector('input[type="checkbox"]') as HTMLInputElement).click());
    expect(host.querySelector('label')?.textContent).toContain('never sent to the customer');
    await act(() => type(textarea(), 'Call back after 3'));
    await act(() => button(host, 'Add note')?.click());
    await until(() => host.textContent?.includes('Note added') ?? false, 'the note');
    const sent = requests.find((r) => r.method === 'POST');
    expect(decodeURIComponent(sent!.url.pathname)).toBe('/api/conversations/+4915100000001/notes');
    expect(sent?.body).toEqual({ text: 'Call back after 3' });
  });

  it('offers only templates once the window has closed, with their variables', async () => {
    answers['GET /api/templates'] = {
      status: 200,
      body: {
        items: [
          {
            id: 't1',
            name: 'follow_up',
            body: 'Hi {{customerName}}, about order {{order}}.',
            variables: ['customerName', 'order'],
            version: 1,
            createdAt: '2026-12-01T00:00:00Z',
            updatedAt: '2026-12-01T00:00:00Z',
            whatsapp: { name: 'follow_up', language: 'en', body: ['customerName', 'order'] },
          },
        ],
      },
    };
    const closed = serviceWindow('2026-11-01T10:00:00.000Z', new Date());
    render(box(closed, { customerName: 'Maria' }), host);
    expect(host.querySelector('textarea')).toBeNull();
    expect(host.textContent).toContain('WhatsApp delivers only a template now');
    await until(() => host.querySelector('select') !== null, 'the templates');
    const select = host.querySelector('select') as HTMLSelectElement;
    await act(() => {
      select.value = 't1';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    // The contact's attributes fill the values they have.
    expect((host.querySelector('input[name="variables.customerName"]') as HTMLInputElement).value).toBe(
      'Maria',
    );
    await act(() => type(host.querySelector('input[name="variables.order"]') as HTMLInputElement, 'A-17'));
    expect(host.querySelector('[data-testid="template-preview"]')?.textContent).toBe(
      'Hi Maria, about order A-17.',
    );
    await act(() => button(host, 'Send template')?.click());
    await until(() => host.textContent?.includes('Template queued.') ?? false, 'the template');
    expect(requests.find((r) => r.method === 'POST')?.body).toEqual({
      templateId: 't1',
      variables: { customerName: 'Maria', order: 'A-17' },
    });
  });
});

describe('the inbox list', () => {
  let host!: HTMLElement;
  withHost((h) => {
    host = h;
  });

  it('shows a conversation from the change feed without a reload, and slows down after failed polls', async () => {
    const first = conversation('+4915100000001', {
      profileName: 'Maria',
      unread: 2,
      waitingSince: new Date(Date.now() - 12 * 60_000 - 5_000).toISOString(),
    });
    let polls = 0;
    let failing = false;
    answers['GET /api/conversations'] = (request) => {
      const url = new URL(request.url);
      if (!url.searchParams.get('changedSince')) return { status: 200, body: { items: [first] } };
      polls += 1;
      if (failing) return { status: 503, body: { error: { code: 'unavailable', message: 'try later' } } };
      return {
        status: 200,
        body: {
          items:
            polls >= 1
              ? [
                  conversation('+4915100000002', {
                    profileName: 'Jonas',
                    lastMessagePreview: 'Hello?',
                    changedAt: '2026-12-02T10:00:05.000Z',
                  }),
                ]
              : [],
        },
      };
    };
    render(
      <Shell>
        <InboxScreen />
      </Shell>,
      host,
    );
    await until(() => host.textContent?.includes('Maria') ?? false, 'the first load');
    expect(host.querySelector('.waited')?.textContent).toBe('waiting 12 min');
    expect(host.querySelector('.badge.unread')?.textContent).toBe('2 unread');
    await until(() => host.textContent?.includes('Jonas') ?? false, 'the polled conversation');
    const since = requests.find((r) => r.url.searchParams.has('changedSince'))!.url.searchParams;
    expect(since.get('changedSince')).toBe('2026-12-02T09:59:55.000Z');
    expect(button(host, 'Waiting for a person (2)')).toBeDefined();

    failing = true;
    await until(
      () =>
        host.querySelector('[role="alert"]')?.textContent?.includes('Trying again every 10 seconds') ?? false,
      'the slowed feed',
    );
    expect(host.querySelector('[role="alert"]')?.textContent).toContain('try later');
    // Slowed: no more polls for a while.
    const after = polls;
    await act(() => new Promise((r) => setTimeout(r, 300)));
    expect(polls).toBe(after);
  });
});

describe('the thread', () => {
  let host: HTMLElement;
  const contact = '+4915100000001';
  beforeEach(() => {
    host = document.createElement('div');
    document.body.append(host);
    answers['GET /api/conversations'] = { status: 200, body: { items: [] } };
    answers[`GET /api/conversations/${contact}`] = {
      status: 200,
      body: conversation(contact, { profileName: 'Maria', unread: 1 }),
    };
    answers[`GET /api/conversations/${contact}/messages`] = {
      status: 200,
      body: {
        items: [
          {
            contact,
            wamid: 'wamid.2',
            direction: 'out',
            at: '2026-12-02T10:00:02.000Z',
            type: 'text',
            text: 'Our spring sale',
            summary: 'Our spring sale',
            source: 'campaign',
            campaignId: 'c1',
            delivery: { status: 'read', at: '2026-12-02T10:00:09.000Z' },
          },
          {
            contact,
            wamid: 'wamid.1',
            direction: 'in',
            at: '2026-12-02T10:00:00.000Z',
            type: 'text',
            text: 'I want to talk to a person',
            summary: 'I want to talk to a person',
          },
        ],
      },
    };
    answers[`GET /api/contacts/${contact}`] = {
      status: 200,
      body: {
        phone: contact,
        profileName: 'Maria',
        attributes: { customerName: 'Maria', tier: 'gold' },
        lists: [{ id: 'l1', name: 'Customers' }],
        optedOut: false,
        marketingOptOut: true,
        optedOutAt: '2026-12-01T09:00:00.000Z',
        lastInboundAt: '2026-12-02T10:00:00.000Z',
        serviceWindowOpen: true,
        history: [{ at: '2026-12-01T09:00:00.000Z', change: 'opted out of marketing', source: 'keyword' }],
      },
    };
    answers['GET /api/campaigns/c1'] = { status: 200, body: { id: 'c1', name: 'Spring sale' } };
    answers[`POST /api/conversations/${contact}/read`] = {
      status: 200,
      body: conversation(contact, { profileName: 'Maria', unread: 0 }),
    };
  });
  afterEach(() => {
    render(null, host);
    host.remove();
  });

  it('marks it read, shows the thread oldest first and the contact with the campaigns received', async () => {
    render(
      <Shell>
        <ConversationThread contact={contact} />
      </Shell>,
      host,
    );
    await until(() => host.querySelectorAll('.msg').length === 2, 'the messages');
    expect([...host.querySelectorAll('.msg')].map((m) => m.className)).toEqual(['msg in', 'msg out']);
    expect(host.querySelector('.msg.out [data-tick="read"]')).not.toBeNull();
    await until(() => requests.some((r) => r.url.pathname.endsWith('/read')), 'the read');
    await until(() => host.textContent?.includes('Spring sale') ?? false, 'the campaign name');
    const panel = host.querySelector('.inbox-contact')!;
    expect(panel.querySelector('a[href="#/campaigns/c1"]')?.textContent).toBe('Spring sale');
    expect(panel.querySelector('a[href="#/lists/l1"]')?.textContent).toBe('Customers');
    expect(panel.textContent).toContain('tier');
    expect(panel.textContent).toContain('of marketing');
    expect(panel.textContent).toContain('opted out of marketing');
  });

  it('says in words why an action was refused', async () => {
    answers[`POST /api/conversations/${contact}/claim`] = {
      status: 409,
      body: {
        error: {
          code: 'invalid_state',
          message: 'the conversation is already assigned to Ben; only an admin can take it over',
          details: { status: 'assigned' },
        },
      },
    };
    render(
      <Shell>
        <ConversationThread contact={contact} />
      </Shell>,
      host,
    );
    await until(() => button(host, 'Claim') !== undefined, 'the actions');
    await act(() => button(host, 'Claim')?.click());
    await until(() => host.querySelector('.thread-actions [role="alert"]') !== null, 'the error');
    expect(host.querySelector('.thread-actions [role="alert"]')?.textContent).toBe(
      'the conversation is already assigned to Ben; only an admin can take it over',
    );
  });

  it('lets an admin assign it to another user', async () => {
    const admin = { ...session, user: { ...session.user, id: 'u9', name: 'Boss', role: 'admin' as const } };
    answers['GET /api/users'] = {
      status: 200,
      body: { items: [session.user, { ...session.user, id: 'u2', name: 'Ben', disabled: true }, admin.user] },
    };
    answers[`POST /api/conversations/${contact}/assign`] = {
      status: 200,
      body: conversation(contact, {
        profileName: 'Maria',
        status: 'assigned',
        assigneeId: 'u1',
        assigneeName: 'Ana Agent',
        changedAt: '2026-12-02T10:01:00.000Z',
      }),
    };
    render(
      <Shell as={admin}>
        <ConversationThread contact={contact} />
      </Shell>,
      host,
    );
    await until(() => host.querySelector('#assign-to') !== null, 'the assign form');
    const select = host.querySelector('#assign-to') as HTMLSelectElement;
    // Disabled users are not offered.
    expect([...select.options].map((o) => o.textContent)).toEqual([
      'Choose a person',
      'Ana Agent (agent)',
      'Boss (admin)',
    ]);
    await act(() => {
      select.value = 'u1';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(() => button(host, 'Assign')?.click());
    await until(() => host.textContent?.includes('Assigned.') ?? false, 'the assignment');
    expect(requests.find((r) => r.url.pathname.endsWith('/assign'))?.body).toEqual({ userId: 'u1' });
    expect(host.querySelector('[data-testid="status"]')?.textContent).toBe('assigned');
    expect(host.textContent).toContain('assigned to Ana Agent');
  });
});
