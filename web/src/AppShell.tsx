// The frame around every signed-in page: navigation (a sidebar on wide screens, a menu under the
// top bar on narrow ones) listing only the pages the user's permission group grants, and sign-out.

import { useEffect, useState, type ReactNode } from 'react';
import { pagesAllowed } from './pages';
import { Link } from './router';
import { useSession } from './session';

export function AppShell({ currentPath, children }: { currentPath: string; children: ReactNode }) {
  const { session, signOut } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const pages = pagesAllowed(session.permissions);

  // A page chosen from the narrow-screen menu closes it.
  useEffect(() => setMenuOpen(false), [currentPath]);

  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand">
          <span className="brand-mark" aria-hidden="true">S</span> Sluice
        </Link>
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
      </header>
      <aside className={menuOpen ? 'sidebar open' : 'sidebar'}>
        <Link to="/" className="brand sidebar-brand">
          <span className="brand-mark" aria-hidden="true">S</span> Sluice
        </Link>
        <nav id="main-nav" aria-label="Main">
          <ul>
            {pages.map((page) => (
              <li key={page.key}>
                <Link to={page.path} aria-current={page.path === currentPath ? 'page' : undefined}>
                  {page.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-footer">
          <div className="signed-in-as">
            <span className="muted">Signed in as</span>
            <span className="signed-in-email" title={session.user.email}>
              {session.user.name || session.user.email}
            </span>
          </div>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </aside>
      <main className="content">{children}</main>
    </div>
  );
}
