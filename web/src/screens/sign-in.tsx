import { useState } from 'preact/hooks';
import { api, call } from '../api';
import { ErrorNote, Field } from '../components/ui';
import type { Problem } from '../problems';
import type { SessionInfo } from '../session';

export function SignIn({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem>();
  const [busy, setBusy] = useState(false);
  return (
    <main class="narrow">
      <h1>Sign in</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          const out = await call(api.POST('/api/auth/sign-in', { body: { email, password } }));
          setBusy(false);
          if (out.ok) onSignedIn(out.data);
          else setProblem(out.problem);
        }}
      >
        <Field
          label="E-mail"
          name="email"
          type="email"
          value={email}
          onInput={setEmail}
          problem={problem}
          required
        />
        <Field
          label="Password"
          name="password"
          type="password"
          value={password}
          onInput={setPassword}
          problem={problem}
          input={{ autocomplete: 'current-password' }}
          required
        />
        <ErrorNote problem={problem} />
        <button class="primary" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

/** A new password, asked for after a one-time password and available from the user menu. */
export function ChangePassword({ forced, onDone }: { forced: boolean; onDone: () => void }) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<Problem | string>();
  return (
    <main class="narrow">
      <h1>Choose a new password</h1>
      {forced ? <p>The password you signed in with was for one use. Choose your own to go on.</p> : null}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (newPassword !== repeat) {
            setProblem('The two new passwords are not the same.');
            return;
          }
          const out = await call(api.POST('/api/auth/password', { body: { currentPassword, newPassword } }));
          if (out.ok) onDone();
          else setProblem(out.problem);
        }}
      >
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          value={currentPassword}
          onInput={setCurrent}
          input={{ autocomplete: 'current-password' }}
          problem={typeof problem === 'string' ? undefined : problem}
          required
        />
        <Field
          label="New password"
          name="newPassword"
          type="password"
          hint="At least 12 characters."
          value={newPassword}
          onInput={setNext}
          input={{ autocomplete: 'new-password' }}
          problem={typeof problem === 'string' ? undefined : problem}
          required
        />
        <Field
          label="New password again"
          name="repeat"
          type="password"
          value={repeat}
          onInput={setRepeat}
          required
        />
        <ErrorNote problem={problem} />
        <button class="primary" type="submit">
          Save the new password
        </button>
      </form>
    </main>
  );
}
