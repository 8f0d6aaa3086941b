/** Routes → pages; nothing else at the top. */
import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { AccountPage } from './pages/account/account-page';
import { EditorPage } from './pages/editor/editor-page';
import { HistoryPage } from './pages/history/history-page';
import { LockScreen } from './pages/login/lock-screen';
import { LoginPage } from './pages/login/login-page';
import { RecoverPage } from './pages/login/recover-page';
import { MapsPage } from './pages/maps/maps-page';
import { ShareViewPage } from './pages/share-view/share-view-page';
import { navigate, onLinkClick, type Route, useRoute } from './router';
import { useSession } from './session/current-session';
import { useIdleLock } from './session/idle-lock';
import { VaultSession } from './session/vault-session';
import { Toasts } from './ui/toast';
import './ui/app.css';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Page({ route }: { route: Route }) {
  const session = useSession();
  if (route.name === 'share') return <ShareViewPage />;
  // Unknown paths need no account to be told so.
  if (route.name === 'not-found') return <main class="auth-page"><h1>Nothing here</h1><p><a href={session ? '/maps' : '/login'} onClick={onLinkClick}>{session ? 'Back to your maps' : 'Log in'}</a></p></main>;
  const here = `${location.pathname}${location.search}`;
  if (route.name === 'recover') return session ? <Redirect to="/account" /> : <RecoverPage />;
  if (route.name === 'login' || route.name === 'register') {
    if (session) return <Redirect to="/maps" />;
    const next = new URLSearchParams(location.search).get('next');
    return <LoginPage mode={route.name} next={next?.startsWith('/') && !next.startsWith('//') ? next : '/maps'} />;
  }
  if (session === null) {
    const locked = VaultSession.lockedEmail();
    if (locked !== undefined) return <LockScreen email={locked} onUnlocked={() => (route.name === 'home' ? navigate('/maps', { replace: true }) : undefined)} />;
    return <Redirect to={route.name === 'home' ? '/login' : `/login?next=${encodeURIComponent(here)}`} />;
  }
  switch (route.name) {
    case 'home':
      return <Redirect to="/maps" />;
    case 'maps':
      return <MapsPage session={session} />;
    case 'editor':
      return <EditorPage key={route.mapId} session={session} mapId={route.mapId} />;
    case 'history':
      return <HistoryPage key={route.mapId} session={session} mapId={route.mapId} />;
    case 'account':
      return <AccountPage session={session} />;
  }
}

function App() {
  const route = useRoute();
  useIdleLock();
  return (
    <>
      <Page route={route} />
      <Toasts />
    </>
  );
}

render(<App />, document.getElementById('app')!);
