// What an app learns about the caller: the verified user as plain headers (id, username, role, session) and as a short-lived
// JWT signed by Portcullis for the app alone (aud = its name), which auth issues (POST /internal/identity). Tokens are kept
// per session, role and app until 15 s before they end, so an app's traffic costs auth one call a session a minute.
import type { AuthClient } from '@portcullis/shared/internal/auth-client'
import type { Principal } from '@portcullis/shared/tokens/principal'

export const IDENTITY_HEADERS = {
  userId: 'x-portcullis-user-id',
  username: 'x-portcullis-username',
  role: 'x-portcullis-role',
  sessionId: 'x-portcullis-session-id',
  identity: 'x-portcullis-identity',
} as const

export interface AppIdentity {
  token: string
  username: string
}

/** Identities remembered: about the sessions active at once across the apps; the oldest go first past it. */
const CACHED = 10_000
const RENEW_BEFORE_MS = 15_000

export interface IdentitySource {
  identityFor(principal: Principal, audience: string): Promise<AppIdentity>
}

export function createIdentitySource(authClient: Pick<AuthClient, 'identityFor'>, now: () => number = Date.now): IdentitySource {
  const cache = new Map<string, AppIdentity & { expiresAt: number }>()
  const pending = new Map<string, Promise<AppIdentity & { expiresAt: number }>>()
  return {
    async identityFor(principal, audience) {
      const key = `${principal.sessionId}|${principal.userId}|${principal.role}|${audience}`
      const known = cache.get(key)
      if (known && known.expiresAt - now() > RENEW_BEFORE_MS) return known
      let asked = pending.get(key)
      if (!asked) {
        asked = authClient
          .identityFor({ userId: principal.userId, sessionId: principal.sessionId, audience })
          .then((answer) => ({ token: answer.token, username: answer.username, expiresAt: now() + answer.expiresIn * 1000 }))
          .finally(() => pending.delete(key))
        pending.set(key, asked)
      }
      const fresh = await asked
      cache.delete(key)
      cache.set(key, fresh)
      if (cache.size > CACHED) cache.delete(cache.keys().next().value as string)
      return fresh
    },
  }
}

/** The identity headers for the app, from the verified principal and its identity token. */
export function identityHeaders(principal: Principal, identity: AppIdentity): Record<string, string> {
  return {
    [IDENTITY_HEADERS.userId]: principal.userId,
    [IDENTITY_HEADERS.username]: identity.username,
    [IDENTITY_HEADERS.role]: principal.role,
    [IDENTITY_HEADERS.sessionId]: principal.sessionId,
    [IDENTITY_HEADERS.identity]: identity.token,
  }
}
