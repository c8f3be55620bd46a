// Who may call what, decided at the gateway before any service is touched; the services check again. The path given is
// always routedPath(request): decoded as the router decodes it, never the raw URL.
import type { Role } from '@portcullis/shared/db/schema'

export type Access = 'public' | Role

const USER_ONLY_AUTH_ROUTES = new Set(['/auth/logout-all', '/auth/password'])

/** The access a path needs; `undefined` when the gateway routes nothing there. */
export function accessFor(path: string): Access | undefined {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path
  if (clean === '/auth' || clean.startsWith('/auth/')) return USER_ONLY_AUTH_ROUTES.has(clean) ? 'user' : 'public'
  if (clean === '/user' || clean.startsWith('/user/')) return 'user'
  if (clean === '/admin' || clean.startsWith('/admin/')) return 'admin'
  return undefined
}

const CREDENTIAL_ROUTES = new Set(['/auth/login', '/auth/signup'])

/** Login and signup: each attempt may cost an argon2 hash, so they have their own, tighter per-IP limit. */
export function isCredentialRoute(method: string, path: string): boolean {
  return method === 'POST' && CREDENTIAL_ROUTES.has(path.replace(/\/+$/, ''))
}
