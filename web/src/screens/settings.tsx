/**
 * Settings (admins only): what the platform runs with, the console's users, the API keys and the inbox's
 * canned replies.
 * Passwords and keys the API hands out are shown once, right where they were asked for.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { components } from '../../../clients/typescript';
import { shortcutProblem } from '../../../functions/domain/canned-reply';
import { api, call, type Outcome } from '../api';
import { ConfirmButton, ErrorNote, Field, formatTime, Loading, Notice, Select } from '../components/ui';
import { useAction } from '../components/use-action';
import type { Problem } from '../problems';
import { useSession } from '../session';

type Settings = components['schemas']['Settings'];
type User = components['schemas']['User'];
type Role = User['role'];
type ApiKey = components['schemas']['ApiKey'];
type CannedReply = components['schemas']['CannedReply'];

const ROLES: readonly { value: Role; label: string }[] = [
  { value: 'agent', label: 'Agent' },
  { value: 'admin', label: 'Admin' },
];

export function SettingsScreen() {
  return (
    <>
      <h1>Settings</h1>
      <PlatformSection />
      <UsersSection />
      <ApiKeysSection />
      <CannedRepliesSection />
    </>
  );
}

/* ---------- shared pieces ---------- */

interface Loaded<T> {
  readonly data?: T;
  readonly problem?: Problem;
}

/** Loads once on mount; `reload` keeps what is shown until the new answer arrives. */
function useLoad<T>(load: () => Promise<Outcome<T>>): [Loaded<T>, () => Promise<void>] {
  const [state, setState] = useState<Loaded<T>>({});
  const alive = useRef(true);
  const reload = async () => {
    const out = await load();
    if (!alive.current) return;
    setState((prev) => (out.ok ? { data: out.data } : { ...prev, problem: out.problem }));
  };
  useEffect(() => {
    alive.current = true;
    void reload();
    return () => {
      alive.current = false;
    };
  }, []);
  return [state, reload];
}

/** Copies text to the clipboard and says whether it worked. */
function CopyButton({ text, what }: { text: string; what: string }) {
  const [said, setSaid] = useState('');
  return (
    <>
      <button
        type="button"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setSaid('Copied.');
          } catch {
            setSaid('The browser did not allow copying; select the text and copy it yourself.');
          }
        }}
      >
        Copy {what}
      </button>
      <span class="muted" role="status">
        {said}
      </span>
    </>
  );
}

/**
 * A password or key the API shows only once: what it is and what to do, the value in a `.secret` box,
 * a copy button and a way to put it away. Focus moves here so keyboard and screen-reader users find it.
 */
function OneTimeSecret(props: {
  title: string;
  value: string;
  children: ComponentChildren;
  onDone: () => void;
}) {
  const box = useRef<HTMLElement>(null);
  const titleId = useId();
  useEffect(() => box.current?.focus(), [props.value]);
  return (
    <section class="notice" ref={box} tabIndex={-1} aria-labelledby={titleId}>
      <p>
        <strong id={titleId}>{props.title}</strong>
      </p>
      <p>{props.children}</p>
      <p class="secret">{props.value}</p>
      <div class="actions">
        <CopyButton text={props.value} what="it" />
        <button type="button" onClick={props.onDone}>
          Done, hide it
        </button>
      </div>
    </section>
  );
}

/* ---------- platform ---------- */

function PlatformSection() {
  const [settings] = useLoad(() => call(api.GET('/api/settings')));
  return (
    <section aria-labelledby="settings-platform">
      <h2 id="settings-platform">Platform</h2>
      <ErrorNote problem={settings.problem} />
      {settings.data ? (
        <PlatformDetails settings={settings.data} />
      ) : settings.problem ? null : (
        <Loading what="the platform settings" />
      )}
    </section>
  );
}

function PlatformDetails({ settings: s }: { settings: Settings }) {
  return (
    <div class="card">
      <dl>
        <dt>Mode</dt>
        <dd>
          <span class="badge">{s.mode}</span>{' '}
          {s.mode === 'DEV'
            ? 'Development: sends are logged, not sent. No message reaches WhatsApp; delivery statuses may be simulated. To send for real, set WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID (and WHATSAPP_APP_SECRET).'
            : "Live: messages are sent to WhatsApp through Meta's Cloud API and reach real people."}
        </dd>

        <dt>Sending number id</dt>
        <dd>
          {s.phoneNumberId ? (
            <code>{s.phoneNumberId}</code>
          ) : (
            <span class="muted">
              None set (WHATSAPP_PHONE_NUMBER_ID); nothing can be sent from a real number.
            </span>
          )}
        </dd>

        <dt>Send rate</dt>
        <dd>
          {s.sendRatePerSecond} {s.sendRatePerSecond === 1 ? 'message' : 'messages'} per second at most
          (SEND_RATE_PER_SECOND)
        </dd>

        <dt>Webhook URL</dt>
        <dd>
          <WebhookUrl url={s.webhookUrl} />
        </dd>

        <dt>Webhook verify token</dt>
        <dd>
          <Credential
            state={s.verifyTokenConfigured}
            set="Set: Meta can verify the webhook URL."
            missing="Meta's webhook verification is not configured: set WHATSAPP_WEBHOOK_VERIFY_TOKEN, then enter the same value as the Verify token in Meta's App Dashboard (WhatsApp > Configuration)."
            unknown="Cannot be checked from here: only the webhook function holds WHATSAPP_WEBHOOK_VERIFY_TOKEN. Check that it is set in the deployment's secrets."
          />
        </dd>

        <dt>App secret</dt>
        <dd>
          <Credential
            state={s.appSecretConfigured}
            set="Set: only webhooks signed by Meta are accepted."
            missing="Webhook signatures are not checked: unsigned webhooks are accepted (DEV mode only). Set WHATSAPP_APP_SECRET to the app secret from Meta's App Dashboard (App settings > Basic)."
            unknown="Cannot be checked from here: only the webhook function holds WHATSAPP_APP_SECRET. Check that it is set in the deployment's secrets."
          />
        </dd>

        <dt>OpenAI</dt>
        <dd>
          <Credential
            state={s.openAiConfigured}
            set="Configured: the assistant writes answers from the knowledge base and searches it by meaning."
            missing="Not configured: the assistant replies with excerpts from the knowledge base found by keywords. Set OPENAI_API_KEY for written answers."
          />
        </dd>
      </dl>
    </div>
  );
}

function WebhookUrl({ url }: { url: string }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>The URL to give Meta (App Dashboard &gt; WhatsApp &gt; Configuration)</label>
      <input
        id={id}
        type="text"
        readOnly
        value={url}
        onFocus={(e) => e.currentTarget.select()}
        onClick={(e) => e.currentTarget.select()}
      />
      <div class="actions">
        <CopyButton text={url} what="the webhook URL" />
      </div>
    </div>
  );
}

function Credential(props: { state: boolean | 'unknown'; set: string; missing: string; unknown?: string }) {
  const label = props.state === 'unknown' ? 'Unknown' : props.state ? 'Set' : 'Missing';
  const text = props.state === 'unknown' ? props.unknown : props.state ? props.set : props.missing;
  return (
    <>
      <span class="badge">{label}</span> {text}
    </>
  );
}

/* ---------- users ---------- */

interface Revealed {
  readonly title: string;
  readonly value: string;
}

function UsersSection() {
  const [users, reload] = useLoad(() => call(api.GET('/api/users')));
  const [revealed, setRevealed] = useState<Revealed>();
  const reveal = (user: User, password: string, why: 'created' | 'reset') => {
    setRevealed({
      title: `${why === 'created' ? 'One-time password' : 'New one-time password'} for ${user.name} (${user.email})`,
      value: password,
    });
    void reload();
  };
  return (
    <section aria-labelledby="settings-users">
      <h2 id="settings-users">Users</h2>
      <NewUserForm onCreated={(user, password) => reveal(user, password, 'created')} />
      {revealed ? (
        <OneTimeSecret title={revealed.title} value={revealed.value} onDone={() => setRevealed(undefined)}>
          This is shown only now: give this to them; they choose their own at first sign-in.
        </OneTimeSecret>
      ) : null}
      <ErrorNote problem={users.problem} />
      {users.data ? (
        <UsersTable users={users.data.items} onChanged={reload} onReset={(u, p) => reveal(u, p, 'reset')} />
      ) : users.problem ? null : (
        <Loading what="the users" />
      )}
    </section>
  );
}

function NewUserForm({ onCreated }: { onCreated: (user: User, password: string) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const { busy, problem, run } = useAction();
  return (
    <form
      class="card"
      aria-labelledby="settings-new-user"
      onSubmit={async (e) => {
        e.preventDefault();
        const created = await run(() =>
          call(api.POST('/api/users', { body: { email: email.trim(), name: name.trim(), role } })),
        );
        if (!created) return;
        setEmail('');
        setName('');
        setRole('agent');
        onCreated(created.user, created.password);
      }}
    >
      <h3 id="settings-new-user">Add a user</h3>
      <div class="row">
        <Field
          label="E-mail"
          name="email"
          type="email"
          value={email}
          onInput={setEmail}
          problem={problem}
          required
        />
        <Field label="Name" name="name" value={name} onInput={setName} problem={problem} required />
        <Select
          label="Role"
          name="role"
          value={role}
          options={ROLES}
          onChange={(v) => setRole(v as Role)}
          problem={problem}
        />
      </div>
      <p class="hint">
        Agents run campaigns and conversations; admins also manage settings, users and API keys.
      </p>
      <ErrorNote problem={problem} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add user'}
      </button>
    </form>
  );
}

function UsersTable(props: {
  users: readonly User[];
  onChanged: () => void;
  onReset: (user: User, password: string) => void;
}) {
  if (props.users.length === 0) return <p class="muted">There are no users yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="muted">Console users</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">E-mail</th>
            <th scope="col">Role</th>
            <th scope="col">Disabled</th>
            <th scope="col" class="optional">
              Locked until
            </th>
            <th scope="col" class="optional">
              Must change password
            </th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <UserRow key={u.id} user={u} onChanged={props.onChanged} onReset={props.onReset} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UserRow(props: {
  user: User;
  onChanged: () => void;
  onReset: (user: User, password: string) => void;
}) {
  const me = useSession().user.id === props.user.id;
  const [user, setUser] = useState(props.user);
  const { busy, problem, setProblem, run } = useAction();
  useEffect(() => setUser(props.user), [props.user]);

  const update = async (patch: { role?: Role; disabled?: boolean }) => {
    const updated = await run(() =>
      call(api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body: patch })),
    );
    if (!updated) return;
    setUser(updated);
    props.onChanged();
  };
  const resetPassword = async () => {
    const out = await call(api.POST('/api/users/{id}/reset-password', { params: { path: { id: user.id } } }));
    if (!out.ok) {
      setProblem(out.problem);
      return;
    }
    setProblem(undefined);
    props.onReset(user, out.data.password);
  };

  return (
    <tr>
      <td>
        {user.name}
        {me ? <span class="muted"> (you)</span> : null}
      </td>
      <td>{user.email}</td>
      <td>
        {me ? (
          <RoleLabel role={user.role} />
        ) : (
          <select
            aria-label={`Role of ${user.name}`}
            value={user.role}
            disabled={busy}
            onChange={(e) => void update({ role: e.currentTarget.value as Role })}
          >
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        )}
      </td>
      <td>{user.disabled ? <span class="badge">Disabled</span> : 'No'}</td>
      <td class="optional">{isLocked(user.lockedUntil) ? formatTime(user.lockedUntil) : 'Not locked'}</td>
      <td class="optional">{user.mustChangePassword ? 'Yes' : 'No'}</td>
      <td>
        {me ? (
          <span class="muted">Change your own password with “Password” at the top.</span>
        ) : (
          <div class="actions">
            {user.disabled ? (
              <button type="button" disabled={busy} onClick={() => void update({ disabled: false })}>
                Enable
              </button>
            ) : (
              <ConfirmButton
                label="Disable"
                question={`Disable ${user.name}? They are signed out and cannot sign in until enabled again.`}
                confirmLabel="Disable"
                danger
                disabled={busy}
                onConfirm={() => update({ disabled: true })}
              />
            )}
            <ConfirmButton
              label="Reset password"
              question={`Give ${user.name} a new one-time password? Their password stops working, the account is unlocked and they are signed out.`}
              confirmLabel="Reset password"
              disabled={busy}
              onConfirm={resetPassword}
            />
          </div>
        )}
        <ErrorNote problem={problem} />
      </td>
    </tr>
  );
}

function RoleLabel({ role }: { role: Role }) {
  return <>{ROLES.find((r) => r.value === role)?.label ?? role}</>;
}

function isLocked(lockedUntil: string | undefined): lockedUntil is string {
  return Boolean(lockedUntil && new Date(lockedUntil).getTime() > Date.now());
}

/* ---------- API keys ---------- */

function ApiKeysSection() {
  const [keys, reload] = useLoad(() => call(api.GET('/api/keys')));
  const [issued, setIssued] = useState<Revealed>();
  return (
    <section aria-labelledby="settings-keys">
      <h2 id="settings-keys">API keys</h2>
      <p class="muted">
        Programs call the platform's API with a key, sent as <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      <NewKeyForm
        onIssued={(name, key) => {
          setIssued({ title: `API key “${name}”`, value: key });
          void reload();
        }}
      />
      {issued ? (
        <OneTimeSecret title={issued.title} value={issued.value} onDone={() => setIssued(undefined)}>
          Copy it now; it is not shown again. Keep it secret: it acts with an admin's rights.
        </OneTimeSecret>
      ) : null}
      <ErrorNote problem={keys.problem} />
      {keys.data ? (
        <KeysTable keys={keys.data.items} onRevoked={reload} />
      ) : keys.problem ? null : (
        <Loading what="the API keys" />
      )}
    </section>
  );
}

function NewKeyForm({ onIssued }: { onIssued: (name: string, key: string) => void }) {
  const [name, setName] = useState('');
  const { busy, problem, run } = useAction();
  return (
    <form
      class="card"
      aria-labelledby="settings-new-key"
      onSubmit={async (e) => {
        e.preventDefault();
        const issued = await run(() => call(api.POST('/api/keys', { body: { name: name.trim() } })));
        if (!issued) return;
        setName('');
        onIssued(issued.name, issued.key);
      }}
    >
      <h3 id="settings-new-key">Create a key</h3>
      <Field
        label="Name"
        name="name"
        hint="What the key is for, e.g. “CRM integration”, so you know which one to revoke."
        value={name}
        onInput={setName}
        problem={problem}
        required
      />
      <ErrorNote problem={problem} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}

function KeysTable({ keys, onRevoked }: { keys: readonly ApiKey[]; onRevoked: () => void }) {
  if (keys.length === 0) return <p class="muted">There are no API keys yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="muted">API keys, active and revoked</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" class="optional">
              Created
            </th>
            <th scope="col">Revoked</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <KeyRow key={k.id} apiKey={k} onRevoked={onRevoked} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KeyRow({ apiKey: k, onRevoked }: { apiKey: ApiKey; onRevoked: () => void }) {
  const [problem, setProblem] = useState<Problem>();
  const revoke = async () => {
    const out = await call(api.DELETE('/api/keys/{id}', { params: { path: { id: k.id } } }));
    if (!out.ok) {
      setProblem(out.problem);
      return;
    }
    setProblem(undefined);
    onRevoked();
  };
  return (
    <tr>
      <td>{k.name}</td>
      <td class="optional">{formatTime(k.createdAt)}</td>
      <td>{k.revokedAt ? formatTime(k.revokedAt) : 'No, active'}</td>
      <td>
        {k.revokedAt ? (
          <span class="muted">Revoked</span>
        ) : (
          <ConfirmButton
            label="Revoke"
            question={`Revoke “${k.name}”? Programs using it are refused at once; this cannot be undone.`}
            confirmLabel="Revoke"
            danger
            onConfirm={revoke}
          />
        )}
        <ErrorNote problem={problem} />
      </td>
    </tr>
  );
}

/* ---------- canned replies ---------- */

function CannedRepliesSection() {
  const [replies, reload] = useLoad(() => call(api.GET('/api/canned-replies')));
  const items = replies.data?.items ?? [];
  return (
    <section aria-labelledby="settings-canned">
      <h2 id="settings-canned">Canned replies</h2>
      <p class="muted">
        Agents type <code>/shortcut</code> in the inbox's reply box and press Tab to put the text in.
      </p>
      <CannedReplyForm existing={items} onSaved={reload} />
      <ErrorNote problem={replies.problem} />
      {replies.data ? (
        items.length === 0 ? (
          <p class="muted">There are no canned replies yet.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="muted">Canned replies, by shortcut</caption>
              <thead>
                <tr>
                  <th scope="col">Shortcut</th>
                  <th scope="col">Text</th>
                  <th scope="col" class="optional">
                    Changed
                  </th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <CannedReplyRow key={r.shortcut} reply={r} onChanged={reload} />
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : replies.problem ? null : (
        <Loading what="the canned replies" />
      )}
    </section>
  );
}

function CannedReplyForm(props: { existing: readonly CannedReply[]; onSaved: () => void }) {
  const [shortcut, setShortcut] = useState('');
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string>();
  const { busy, problem, setProblem, run } = useAction();
  const name = shortcut.trim().replace(/^\//, '');
  const taken = props.existing.some((r) => r.shortcut === name);
  return (
    <form
      class="card"
      aria-labelledby="settings-new-canned"
      onSubmit={async (e) => {
        e.preventDefault();
        setNotice(undefined);
        const wrong = shortcutProblem(name);
        if (wrong) {
          setProblem({
            code: 'validation_failed',
            message: wrong,
            status: 0,
            fields: { shortcut: wrong },
            rows: [],
          });
          return;
        }
        const saved = await run(() =>
          call(
            api.PUT('/api/canned-replies/{shortcut}', {
              params: { path: { shortcut: name } },
              body: { text: text.trim() },
            }),
          ),
        );
        if (!saved) return;
        setShortcut('');
        setText('');
        setNotice(`Saved /${saved.shortcut}.`);
        props.onSaved();
      }}
    >
      <h3 id="settings-new-canned">Add a canned reply</h3>
      <Field
        label="Shortcut"
        name="shortcut"
        hint={
          taken
            ? `/${name} exists already: saving replaces its text.`
            : 'Lower-case letters, digits, "-" or "_", e.g. opening-hours.'
        }
        value={shortcut}
        onInput={setShortcut}
        problem={problem}
        required
      />
      <Field
        label="Text"
        name="text"
        multiline
        rows={3}
        value={text}
        onInput={setText}
        problem={problem}
        required
      />
      <ErrorNote problem={problem} />
      <Notice text={notice} />
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Saving…' : taken ? 'Replace' : 'Add canned reply'}
      </button>
    </form>
  );
}

function CannedReplyRow({ reply, onChanged }: { reply: CannedReply; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(reply.text);
  const { busy, problem, setProblem, run } = useAction();
  useEffect(() => setText(reply.text), [reply.text]);
  const path = { params: { path: { shortcut: reply.shortcut } } };
  const remove = async () => {
    const out = await call(api.DELETE('/api/canned-replies/{shortcut}', path));
    if (!out.ok) return setProblem(out.problem);
    onChanged();
  };
  return (
    <tr>
      <td>
        <code>/{reply.shortcut}</code>
      </td>
      <td>
        {editing ? (
          <Field
            label={`Text of /${reply.shortcut}`}
            name="text"
            multiline
            rows={3}
            value={text}
            onInput={setText}
            problem={problem}
          />
        ) : (
          <span class="pre">{reply.text}</span>
        )}
      </td>
      <td class="optional">
        {formatTime(reply.updatedAt)}
        {reply.updatedBy ? <div class="muted">by {reply.updatedBy}</div> : null}
      </td>
      <td>
        <div class="actions">
          {editing ? (
            <>
              <button
                type="button"
                class="primary"
                disabled={busy}
                onClick={async () => {
                  const saved = await run(() =>
                    call(api.PUT('/api/canned-replies/{shortcut}', { ...path, body: { text: text.trim() } })),
                  );
                  if (!saved) return;
                  setEditing(false);
                  onChanged();
                }}
              >
                Save
              </button>
              <button
                type="button"
                onClick={() => {
                  setEditing(false);
                  setText(reply.text);
                  setProblem(undefined);
                }}
              >
                Cancel
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          <ConfirmButton
            label="Delete"
            question={`Delete /${reply.shortcut}?`}
            confirmLabel="Delete"
            danger
            onConfirm={remove}
          />
        </div>
        <ErrorNote problem={problem} />
      </td>
    </tr>
  );
}
