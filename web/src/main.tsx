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
import { setCurrentSession, useSession } from './session/current-session';
import { useIdleLock } from './session/idle-lock';
import { VaultSession } from './session/vault-session';
import { toast, Toasts } from './ui/toast';
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

/**
 * The account's sessions ended (logged out everywhere, password changed, disabled, deleted) or
 * its keys were rotated on another device: this tab locks at once, its unsaved edits sealed on
 * the device first. The password unlocks it again (with the new keys, or a new login).
 */
function useLiveLock(): void {
  const session = useSession();
  useEffect(() => {
    if (!session) return;
    return session.onLockRequired((reason) => {
      void session.prepareLock().then(() => {
        setCurrentSession(null);
        toast(reason === 'keys-rotated' ? 'Locked: the account got new keys on another device.' : 'Locked: this session was ended on another device.');
      });
    });
  }, [session]);
}

function App() {
  const route = useRoute();
  useIdleLock();
  useLiveLock();
  return (
    <>
      <Page route={route} />
      <Toasts />
    </>
  );
}

render(<App />, document.getElementById('app')!);
