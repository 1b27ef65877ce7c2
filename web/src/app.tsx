import { useEffect, useState } from 'preact/hooks';
import { api, call, setCsrfToken } from './api';
import { Loading } from './components/ui';
import { InboxFeedContext, useInboxFeed } from './inbox-feed';
import { href, useRoute } from './router';
import { CampaignPage } from './screens/campaign';
import { CampaignsList } from './screens/campaigns';
import { ContactPage } from './screens/contact';
import { InboxScreen } from './screens/inbox';
import { KnowledgeScreen } from './screens/knowledge';
import { ListsScreen } from './screens/lists';
import { NewCampaign } from './screens/new-campaign';
import { SettingsScreen } from './screens/settings';
import { ChangePassword, SignIn } from './screens/sign-in';
import { TemplatesScreen } from './screens/templates';
import { SessionContext, type SessionInfo } from './session';

const TITLE = 'WhatsApp platform console';

const NAV = [
  { path: 'inbox', label: 'Inbox' },
  { path: 'campaigns', label: 'Campaigns' },
  { path: 'templates', label: 'Templates' },
  { path: 'lists', label: 'Contacts & lists' },
  { path: 'knowledge', label: 'Knowledge' },
  { path: 'settings', label: 'Settings', admin: true },
] as const;

export function App() {
  const [session, setSession] = useState<SessionInfo | null>();
  const [changing, setChanging] = useState(false);

  const adopt = (s: SessionInfo | null) => {
    setCsrfToken(s?.csrfToken);
    setSession(s);
  };
  const refresh = async () => {
    const out = await call(api.GET('/api/auth/session'));
    adopt(out.ok ? out.data : null);
  };
  useEffect(() => {
    void refresh();
    const signedOut = () => adopt(null);
    window.addEventListener('console:signed-out', signedOut);
    return () => window.removeEventListener('console:signed-out', signedOut);
  }, []);

  if (session === undefined) return <Loading what="the console" />;
  if (session === null) return <SignIn onSignedIn={adopt} />;
  if (session.user.mustChangePassword || changing) {
    return (
      <ChangePassword
        forced={session.user.mustChangePassword}
        onDone={() => {
          setChanging(false);
          void refresh();
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      <Shell
        session={session}
        onChangePassword={() => setChanging(true)}
        onSignOut={async () => {
          await call(api.POST('/api/auth/sign-out'));
          adopt(null);
        }}
      />
    </SessionContext.Provider>
  );
}

function Shell(props: { session: SessionInfo; onSignOut: () => void; onChangePassword: () => void }) {
  const route = useRoute();
  const [section = 'campaigns', id, sub] = route;
  const isAdmin = props.session.user.role === 'admin';
  const feed = useInboxFeed();
  // The tab says how many customers wait for a person, also while another tab is in front.
  useEffect(() => {
    document.title = feed.waiting ? `(${feed.waiting}) ${TITLE}` : TITLE;
    return () => {
      document.title = TITLE;
    };
  }, [feed.waiting]);
  return (
    <InboxFeedContext.Provider value={feed}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <strong class="brand">WhatsApp platform</strong>
        <nav aria-label="Sections">
          {NAV.filter((n) => !('admin' in n) || isAdmin).map((n) => (
            <a key={n.path} href={href(n.path)} aria-current={section === n.path ? 'page' : undefined}>
              {n.label}
              {n.path === 'inbox' && feed.waiting > 0 ? (
                <span class="badge count" data-testid="waiting-badge">
                  {feed.waiting}
                  <span class="sr-only"> waiting for a person</span>
                </span>
              ) : null}
            </a>
          ))}
        </nav>
        <span class="user">
          <span>
            {props.session.user.name} ({props.session.user.role})
          </span>
          <button type="button" class="link" onClick={props.onChangePassword}>
            Password
          </button>
          <button type="button" class="link" onClick={props.onSignOut}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main" tabIndex={-1} class={section === 'inbox' ? 'wide' : undefined}>
        <Screen section={section} id={id} sub={sub} isAdmin={isAdmin} />
      </main>
    </InboxFeedContext.Provider>
  );
}

function Screen({
  section,
  id,
  sub,
  isAdmin,
}: {
  section: string;
  id?: string;
  sub?: string;
  isAdmin: boolean;
}) {
  switch (section) {
    case 'inbox':
      return <InboxScreen contact={id} />;
    case 'campaigns':
      if (id === 'new') return <NewCampaign />;
      return id ? <CampaignPage id={id} /> : <CampaignsList />;
    case 'templates':
      return <TemplatesScreen id={id} />;
    case 'lists':
      return <ListsScreen id={id} />;
    case 'contacts':
      return id ? <ContactPage contact={id} /> : <ListsScreen />;
    case 'knowledge':
      return <KnowledgeScreen id={id} />;
    case 'settings':
      return isAdmin ? <SettingsScreen /> : <p>Only admins see the settings.</p>;
    default:
      return <p>There is no page here. {sub}</p>;
  }
}
