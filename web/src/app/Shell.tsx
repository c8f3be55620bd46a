// The frame of every page: the header with navigation (an admin link only for admins) and sign-out, a signed-in user's
// notice about their email address, and the one re-authentication prompt.
import { Suspense } from 'react'
import { NavLink, Outlet, useNavigate } from 'react-router'
import { signOut } from '../lib/session/session-actions.ts'
import { useSession } from '../lib/session/use-session.ts'
import { EmailNotice } from './EmailNotice.tsx'
import { ReauthPrompt } from './ReauthPrompt.tsx'

export function Shell() {
  const session = useSession()
  const navigate = useNavigate()
  const signedIn = session.status === 'signed-in'
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <NavLink to={signedIn ? '/dashboard' : '/login'} className="brand">
          Portcullis
        </NavLink>
        <nav aria-label="Main">
          {signedIn ? (
            <ul>
              <li>
                <NavLink to="/dashboard">Dashboard</NavLink>
              </li>
              <li>
                <NavLink to="/profile">Profile</NavLink>
              </li>
              {session.user.role === 'admin' && (
                <li>
                  <NavLink to="/admin" end={false}>
                    Admin
                  </NavLink>
                </li>
              )}
              <li>
                <button
                  type="button"
                  className="link-button"
                  onClick={async () => {
                    await signOut()
                    navigate('/login', { replace: true })
                  }}
                >
                  Sign out
                </button>
              </li>
            </ul>
          ) : (
            <ul>
              <li>
                <NavLink to="/login">Sign in</NavLink>
              </li>
              <li>
                <NavLink to="/signup">Create account</NavLink>
              </li>
            </ul>
          )}
        </nav>
      </header>
      {signedIn && <EmailNotice key={session.user.id} user={session.user} />}
      <main id="main" tabIndex={-1}>
        <Suspense
          fallback={
            <p className="loading" role="status">
              Loading…
            </p>
          }
        >
          <Outlet />
        </Suspense>
      </main>
      <ReauthPrompt />
    </>
  )
}
