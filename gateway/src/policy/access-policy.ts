// Who may call what, decided at the gateway before any service is touched; the services check again. The path given is
// always routedPath(request): decoded as the router decodes it, never the raw URL.
import type { Role } from '@portcullis/shared/db/schema'

export type Access = 'public' | Role

const USER_ONLY_AUTH_ROUTES = new Set(['/auth/logout-all', '/auth/password', '/auth/reauthenticate'])

/** Signing in with a passkey alone: the only passkey routes a signed-out browser calls. */
const PASSKEY_SIGN_IN_ROUTES = new Set(['/auth/passkeys/login', '/auth/passkeys/login/options'])

/** The signed-in user's own second factors (/auth/mfa and below) and passkeys (/auth/passkeys and below, but signing in). */
function isSecondFactorRoute(path: string): boolean {
  if (path === '/auth/mfa' || path.startsWith('/auth/mfa/')) return true
  return (path === '/auth/passkeys' || path.startsWith('/auth/passkeys/')) && !PASSKEY_SIGN_IN_ROUTES.has(path)
}

/** Where the OpenID Connect provider's discovery document is, as the standard puts it (served by the oidc service). */
export const OIDC_DISCOVERY_PATH = '/.well-known/openid-configuration'

/** The OpenID Connect provider's every other endpoint is here and below (services/oidc/src/provider/routes.ts). */
export const OIDC_PREFIX = '/oidc'

/**
 * The provider's paths are public at the gateway: it authenticates its clients itself (client secrets, PKCE) and reads the
 * browser's portcullis_access cookie itself.
 */
function isOidcPath(clean: string): boolean {
  return clean === OIDC_DISCOVERY_PATH || clean === OIDC_PREFIX || clean.startsWith(`${OIDC_PREFIX}/`)
}

/** The access a path needs; `undefined` when the gateway routes nothing there. */
export function accessFor(path: string): Access | undefined {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path
  if (isOidcPath(clean)) return 'public'
  if (clean === '/auth' || clean.startsWith('/auth/')) return USER_ONLY_AUTH_ROUTES.has(clean) || isSecondFactorRoute(clean) ? 'user' : 'public'
  if (clean === '/user' || clean.startsWith('/user/')) return 'user'
  if (clean === '/admin' || clean.startsWith('/admin/')) return 'admin'
  return undefined
}

/** The gateway's prefixes, each routed to its service. */
export type RoutedPrefix = '/auth' | '/user' | '/admin' | typeof OIDC_DISCOVERY_PATH | typeof OIDC_PREFIX

/** The route's own prefix sets a floor: whatever the path says, nothing under /user is public, nothing under /admin less than admin. */
const PREFIX_ACCESS: Record<RoutedPrefix, Access> = {
  '/auth': 'public',
  '/user': 'user',
  '/admin': 'admin',
  [OIDC_DISCOVERY_PATH]: 'public',
  [OIDC_PREFIX]: 'public',
}
const RANK: Record<Access, number> = { public: 0, user: 1, admin: 2 }

/** What a request routed by `prefix` to `path` needs: the path's own access, never less than its prefix's. */
export function requiredAccess(path: string, prefix: RoutedPrefix): Access {
  const byPath = accessFor(path) ?? 'public'
  return RANK[byPath] >= RANK[PREFIX_ACCESS[prefix]] ? byPath : PREFIX_ACCESS[prefix]
}

const CREDENTIAL_ROUTES = new Set([
  '/auth/login',
  '/auth/signup',
  '/auth/password/reset',
  '/auth/password/forgot',
  '/auth/email/verify/resend',
  '/auth/login/mfa',
  '/auth/passkeys/login',
  '/auth/passkeys/login/options',
  '/auth/reauthenticate',
  // The OpenID Connect provider checks a client's secret at these three.
  `${OIDC_PREFIX}/token`,
  `${OIDC_PREFIX}/token/introspection`,
  `${OIDC_PREFIX}/token/revocation`,
])

/**
 * Login (with a password, a second step or a passkey), re-authenticating, sign-up and setting a password from a link each may
 * cost an argon2 hash or a signature check, "forgot password" and "resend" each may send a mail, and the OpenID Connect
 * token, introspection and revocation endpoints each check a client's secret: they have their own, tighter per-IP limit.
 */
export function isCredentialRoute(method: string, path: string): boolean {
  return method === 'POST' && CREDENTIAL_ROUTES.has(path.replace(/\/+$/, ''))
}
