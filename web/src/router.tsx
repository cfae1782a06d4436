// Client-side routing under /admin/: the gateway answers index.html for any /admin/* path that is
// not a file, so the address bar is the source of truth and history.pushState moves between pages.

import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

export const BASE = '/admin';
const NAVIGATED = 'sluice:navigated';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

function currentLocation(): string {
  return window.location.pathname + window.location.search;
}

/** The path below /admin ("/api-keys", "/" for the root), without the query string. */
export function usePath(): string {
  const location = useSyncExternalStore(subscribe, currentLocation);
  const pathname = location.split('?')[0] ?? '/';
  const below = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const trimmed = below.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** The current query string's parameters; re-renders on navigation. */
export function useSearchParams(): URLSearchParams {
  const location = useSyncExternalStore(subscribe, currentLocation);
  const index = location.indexOf('?');
  return new URLSearchParams(index === -1 ? '' : location.slice(index + 1));
}

/** Goes to `path` below /admin ("/models", "/sign-in?next=…"). */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const target = BASE + (path.startsWith('/') ? path : `/${path}`);
  if (target === currentLocation()) return;
  if (options.replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  window.dispatchEvent(new Event(NAVIGATED));
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** An ordinary link (middle-click, copy address work) that navigates in place on a plain click. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return <a href={BASE + to} onClick={handleClick} {...rest} />;
}
