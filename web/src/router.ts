import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'home' }
  | { name: 'login' }
  | { name: 'register' }
  | { name: 'recover' }
  | { name: 'maps' }
  | { name: 'editor'; mapId: string }
  | { name: 'history'; mapId: string }
  | { name: 'account' }
  | { name: 'share'; token: string }
  | { name: 'not-found' };

const ROUTE_CHANGE = 'mindvault:route';

/** The server answers every such path with index.html; this turns it back into a page. */
export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 0) return { name: 'home' };
  if (parts.length === 1 && first === 'login') return { name: 'login' };
  if (parts.length === 1 && first === 'register') return { name: 'register' };
  if (parts.length === 1 && first === 'recover') return { name: 'recover' };
  if (parts.length === 1 && first === 'maps') return { name: 'maps' };
  if (parts.length === 1 && first === 'account') return { name: 'account' };
  if (parts.length === 2 && first === 'maps' && second) return { name: 'editor', mapId: second };
  if (parts.length === 3 && first === 'maps' && second && third === 'history') return { name: 'history', mapId: second };
  if (parts.length === 2 && first === 's' && second) return { name: 'share', token: second };
  return { name: 'not-found' };
}

/**
 * Asked before the page's content goes (navigation, log out, idle lock); answers false to stay
 * (the editor, with edits it could not save). `interactive` false: decide without asking.
 */
type LeaveGuard = (interactive: boolean) => Promise<boolean>;
let leaveGuard: LeaveGuard | null = null;

export function setLeaveGuard(guard: LeaveGuard | null): void {
  leaveGuard = guard;
}

export function mayLeave(interactive = true): Promise<boolean> {
  return leaveGuard ? leaveGuard(interactive) : Promise.resolve(true);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const go = () => {
    if (options.replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    window.dispatchEvent(new Event(ROUTE_CHANGE));
  };
  if (leaveGuard === null) return go();
  void leaveGuard(true).then((leave) => leave && go());
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(ROUTE_CHANGE, update);
    // NOTE: a page's effects run before this one (children first), so a redirect made during the
    // first render (logged out on /maps → /login) fired before anyone listened: read it again.
    update();
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(ROUTE_CHANGE, update);
    };
  }, []);
  return route;
}

/** An in-app link: a real <a href> (middle-click, copy link) that navigates without a reload. */
export function onLinkClick(event: MouseEvent): void {
  const anchor = event.currentTarget as HTMLAnchorElement;
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || anchor.target) return;
  event.preventDefault();
  navigate(anchor.getAttribute('href') ?? '/');
}
