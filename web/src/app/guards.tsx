// Route guards: signed-in pages send strangers to the login page (and back afterwards); admin pages show 403 to others.
import { Navigate, Outlet, useLocation } from 'react-router'
import { useSession } from '../lib/session/use-session.ts'
import { ForbiddenPage } from './ErrorPages.tsx'

export function RequireSignedIn() {
  const session = useSession()
  const location = useLocation()
  if (session.status === 'restoring')
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    )
  if (session.status === 'anonymous') {
    const from = `${location.pathname}${location.search}`
    return <Navigate to="/login" replace state={{ from, reason: session.reason }} />
  }
  return <Outlet />
}

export function RequireAdmin() {
  const session = useSession()
  if (session.status !== 'signed-in') return null
  if (session.user.role !== 'admin') return <ForbiddenPage />
  return <Outlet />
}
