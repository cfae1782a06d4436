// The app's top level: find out whether there is a session, then show sign-in, the forced password
// change, or the admin shell with the page the address names.

import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, messageOf, setCsrfToken, setSessionLostHandler } from './api/client';
import type { Session, SignedInSession, SignInOptions } from './api/types';
import { AppShell } from './AppShell';
import { ErrorAlert, Loading } from './components/Feedback';
import { Redirect } from './components/Redirect';
import { ADMIN_PAGES, landingPath, NO_ACCESS_PATH } from './pages';
import { InvitationPage } from './pages/InvitationPage';
import { NoAccessPage } from './pages/NoAccessPage';
import { PasswordChangePage } from './pages/PasswordChangePage';
import { SignInPage } from './pages/SignInPage';
import { navigate, usePath, useSearchParams } from './router';
import { SessionContext, type SessionValue } from './session';

type SessionState =
  | { kind: 'loading' }
  | { kind: 'unreachable'; message: string }
  | { kind: 'signed-out'; signIn: SignInOptions | null }
  | { kind: 'signed-in'; session: SignedInSession };

const SIGN_IN_PATH = '/sign-in';
const CHANGE_PASSWORD_PATH = '/change-password';

/** A `next` parameter is followed only when it is a page of this app, never an outside address. */
function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return null;
  return next;
}

export function App() {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const path = usePath();
  const search = useSearchParams();

  const adopt = useCallback((session: Session) => {
    if (session.authenticated) {
      setCsrfToken(session.csrf_token);
      setState({ kind: 'signed-in', session });
    } else {
      setCsrfToken(null);
      setState({ kind: 'signed-out', signIn: session.sign_in ?? null });
    }
  }, []);

  const loadSession = useCallback(async () => {
    try {
      adopt(await api.get<Session>('/api/v1/auth/session'));
    } catch (error) {
      setState({ kind: 'unreachable', message: messageOf(error) });
    }
  }, [adopt]);

  useEffect(() => {
    // Any 401 means the session ended (expired, signed out elsewhere, deactivated): back to sign-in,
    // asking the gateway again for the sign-in options.
    setSessionLostHandler(() => {
      setCsrfToken(null);
      setState((current) => (current.kind === 'signed-out' ? current : { kind: 'signed-out', signIn: null }));
      void api
        .get<Session>('/api/v1/auth/session')
        .then(adopt)
        .catch(() => {});
    });
    void loadSession();
  }, [adopt, loadSession]);

  const signOut = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } catch {
      // Already signed out (or the gateway is away): the browser forgets the session either way.
    }
    setCsrfToken(null);
    setState({ kind: 'loading' });
    navigate(SIGN_IN_PATH);
    await loadSession();
  }, [loadSession]);

  const sessionValue = useMemo<SessionValue | null>(
    () => (state.kind === 'signed-in' ? { session: state.session, setSession: adopt, signOut } : null),
    [state, adopt, signOut],
  );

  const afterSignIn = (session: SignedInSession) => {
    adopt(session);
    const next = safeNext(search.get('next'));
    navigate(next ?? landingPath(session.permissions), { replace: true });
  };

  // An invitation link works whether or not someone is signed in on this browser.
  if (path.startsWith('/invite/')) {
    const token = decodeURIComponent(path.slice('/invite/'.length));
    return <InvitationPage token={token} onSignedIn={afterSignIn} />;
  }

  switch (state.kind) {
    case 'loading':
      return (
        <main className="centered">
          <Loading label="Checking your session…" />
        </main>
      );
    case 'unreachable':
      return (
        <main className="centered">
          <ErrorAlert message={state.message} />
          <button type="button" onClick={() => void loadSession()}>
            Try again
          </button>
        </main>
      );
    case 'signed-out':
      if (path !== SIGN_IN_PATH) {
        const next = path === '/' || path === CHANGE_PASSWORD_PATH ? '' : `?next=${encodeURIComponent(path)}`;
        return <Redirect to={SIGN_IN_PATH + next} />;
      }
      return <SignInPage options={state.signIn} onSignedIn={afterSignIn} />;
    case 'signed-in':
      break;
  }

  const session = state.session;
  const landing = landingPath(session.permissions);
  if (session.must_change_password) {
    if (path !== CHANGE_PASSWORD_PATH) return <Redirect to={CHANGE_PASSWORD_PATH} />;
    return (
      <SessionContext.Provider value={sessionValue}>
        <PasswordChangePage onChanged={(next) => afterSignIn(next)} />
      </SessionContext.Provider>
    );
  }
  if (path === '/' || path === SIGN_IN_PATH || path === CHANGE_PASSWORD_PATH) {
    return <Redirect to={safeNext(search.get('next')) ?? landing} />;
  }

  const page = ADMIN_PAGES.find((candidate) => candidate.path === path);
  let content;
  if (path === NO_ACCESS_PATH) {
    content = <NoAccessPage hasPages={landing !== NO_ACCESS_PATH} />;
  } else if (!page) {
    content = (
      <section>
        <h1>Page not found</h1>
        <p>There is no page at this address.</p>
      </section>
    );
  } else if (!session.permissions.pages.includes(page.key)) {
    content = <Redirect to={landing} />;
  } else {
    const PageComponent = page.component;
    // key: a page's state starts fresh when the user moves to another page.
    content = <PageComponent key={page.key} />;
  }

  return (
    <SessionContext.Provider value={sessionValue}>
      <AppShell currentPath={path}>{content}</AppShell>
    </SessionContext.Provider>
  );
}
