// How other services talk to auth's internal API: a cached service token from the client-credentials grant, then plain HTTP.
import type { Role } from '../db/schema.ts'
import { ServiceUnavailable } from '../errors.ts'

export interface AuthClientOptions {
  authUrl: string
  clientId: string
  clientSecret: string
  timeoutMs?: number
}

export interface Revocation {
  id: string
  kind: 'session' | 'user'
  subject: string
  at: number
}

/** Where to read the revocation feed from: at or after `since`, or, with `after`, past that row of the millisecond `since`. */
export interface FeedCursor {
  since: number
  after?: string
}

export interface RevocationPage {
  now: number
  revocations: Revocation[]
  /** The page was full: more rows follow its last one. */
  hasMore: boolean
}

/** Whose identity, for which app (its name: the token's audience). */
export interface IdentityRequest {
  userId: string
  sessionId: string
  audience: string
}

/** A signed identity of the user for one app (POST /internal/identity): `token` is a JWT with aud = the app, 60 s. */
export interface AppIdentityAnswer {
  token: string
  username: string
  role: Role
  /** Seconds. */
  expiresIn: number
}

export interface AuthClient {
  revocationsSince(cursor: FeedCursor, limit?: number): Promise<RevocationPage>
  /** Rejects with SessionNotLive when the session is not a live one of that active user: the caller is not signed in. */
  identityFor(request: IdentityRequest): Promise<AppIdentityAnswer>
}

export class AuthCallFailed extends Error {
  override name = 'AuthCallFailed'
  readonly status: number
  constructor(message: string, status: number) {
    super(message)
    this.status = status
  }
}

/** Auth answered 404 to an identity request: the session is revoked or expired, not that user's, or the user is not active. */
export class SessionNotLive extends AuthCallFailed {
  override name = 'SessionNotLive'
  constructor() {
    super('the session is not live', 404)
  }
}

export function createAuthClient(options: AuthClientOptions): AuthClient {
  const base = options.authUrl.replace(/\/$/, '')
  const timeout = options.timeoutMs ?? 5000
  let cached: { token: string; expiresAt: number } | undefined
  let pending: Promise<string> | undefined

  async function serviceToken(): Promise<string> {
    if (cached && cached.expiresAt - 30_000 > Date.now()) return cached.token
    pending ??= (async () => {
      try {
        const res = await fetch(`${base}/internal/oauth/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64')}`,
          },
          body: 'grant_type=client_credentials',
          signal: AbortSignal.timeout(timeout),
        })
        if (!res.ok) throw new AuthCallFailed(`the token endpoint answered ${res.status}`, res.status)
        const body = (await res.json()) as { access_token: string; expires_in: number }
        cached = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 }
        return body.access_token
      } finally {
        pending = undefined
      }
    })()
    return pending
  }

  async function call(method: string, path: string, body?: object): Promise<Response> {
    for (let attempt = 0; attempt < 2; attempt++) {
      let res: Response
      try {
        const token = await serviceToken()
        res = await fetch(`${base}${path}`, {
          method,
          headers: body === undefined ? { authorization: `Bearer ${token}` } : { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeout),
        })
      } catch (error) {
        throw new ServiceUnavailable({ cause: error })
      }
      // A token that expired or was signed by a key retired since: get a fresh one once.
      if (res.status === 401 && attempt === 0) {
        cached = undefined
        continue
      }
      if (res.status >= 500) throw new ServiceUnavailable()
      if (!res.ok) throw new AuthCallFailed(`${method} ${path} answered ${res.status}`, res.status)
      return res
    }
    throw new AuthCallFailed(`${method} ${path} was refused`, 401)
  }

  return {
    async revocationsSince(cursor, limit) {
      const query = new URLSearchParams({ since: String(cursor.since) })
      if (cursor.after !== undefined) query.set('after', cursor.after)
      if (limit !== undefined) query.set('limit', String(limit))
      const res = await call('GET', `/internal/revocations?${query}`)
      const body = (await res.json()) as { now: number; revocations: Revocation[]; has_more: boolean }
      return { now: body.now, revocations: body.revocations, hasMore: body.has_more }
    },

    async identityFor({ userId, sessionId, audience }) {
      let res: Response
      try {
        res = await call('POST', '/internal/identity', { user_id: userId, session_id: sessionId, audience })
      } catch (error) {
        if (error instanceof AuthCallFailed && error.status === 404) throw new SessionNotLive()
        throw error
      }
      const body = (await res.json()) as { token: string; username: string; role: Role; expires_in: number }
      return { token: body.token, username: body.username, role: body.role, expiresIn: body.expires_in }
    },
  }
}
