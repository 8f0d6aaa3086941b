import { mayLeave, navigate, onLinkClick } from '../router';
import { setCurrentSession, useSession } from '../session/current-session';

export function AppBar() {
  const session = useSession();
  const logout = async () => {
    if (!(await mayLeave())) return;
    try {
      await session?.logout();
    } finally {
      setCurrentSession(null);
      navigate('/login');
    }
  };
  return (
    <header class="app-bar">
      <a class="brand" href="/maps" onClick={onLinkClick}>Mindvault</a>
      <nav>
        <a href="/maps" onClick={onLinkClick}>Maps</a>
        <a href="/account" onClick={onLinkClick}>Account</a>
        <span class="who">{session?.email}</span>
        <button type="button" onClick={logout}>Log out</button>
      </nav>
    </header>
  );
}
