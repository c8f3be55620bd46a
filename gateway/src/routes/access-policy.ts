// Who may call what, decided at the gateway before any service is touched; the services check again.
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

/** Dot segments are refused outright: a URL parser downstream would resolve them to another route than the one checked here. */
export function hasDotSegment(path: string): boolean {
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return true
  }
  return /(^|\/)\.{1,2}(\/|$)/.test(decoded) || decoded.includes('\\')
}
