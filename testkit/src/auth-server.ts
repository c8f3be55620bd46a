// A real auth service on a free 127.0.0.1 port, for the tests of services that verify its tokens and call its internal API.
import type {} from '@portcullis/shared/service-app'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import { createServiceClient, INTERNAL_SCOPES } from '@portcullis/auth/clients/service-clients'
import { type LoginResult, STRONG_PASSWORD, startTestAuth, type TestAuth } from './auth-app.ts'

export interface TestAuthServer extends TestAuth {
  url: string
  /** Its /healthz, /readyz and /metrics. */
  managementUrl: string
  /** The instance as a gateway's AUTH_UPSTREAMS names it: `url|management URL`. */
  upstream: string
  /** A fresh service client with every internal scope. */
  serviceClient(name: string): Promise<{ clientId: string; clientSecret: string }>
  /** Signs up (optionally with a role set straight in the database) and logs in. */
  userSession(username: string, role?: 'user' | 'admin'): Promise<LoginResult>
}

interface Teardown {
  teardown(fn: () => unknown): void
}

export async function startTestAuthServer(t: Teardown, kind: DatabaseKind, env: Record<string, string> = {}): Promise<TestAuthServer> {
  const auth = await startTestAuth(t, kind, env)
  const url = await auth.app.listen({ port: 0, host: '127.0.0.1' })
  const managementUrl = await auth.app.management.listen({ port: 0, host: '127.0.0.1' })
  const db = auth.database.handle.db
  return {
    ...auth,
    url,
    managementUrl,
    upstream: `${url}|${managementUrl}`,
    async serviceClient(name) {
      return createServiceClient(db, `${name}-${Math.random().toString(36).slice(2, 8)}`, INTERNAL_SCOPES, Date.now())
    },
    async userSession(username, role = 'user') {
      // An admin is named by an operator (pnpm create-admin), who may choose a name sign-up keeps for itself ("root").
      const signupName = role === 'admin' ? `operator-named-${Math.random().toString(36).slice(2, 8)}` : username
      const signup = await auth.app.inject({
        method: 'POST',
        url: '/auth/signup',
        payload: { username: signupName, password: STRONG_PASSWORD, email: `${username}@example.com` },
      })
      if (signup.statusCode !== 201) throw new Error(`signup failed: ${signup.body}`)
      if (role !== 'user') await db.updateTable('users').set({ role, username: username.toLowerCase() }).where('username', '=', signupName).execute()
      const login = await auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: STRONG_PASSWORD } })
      if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`)
      return login.json<LoginResult>()
    },
  }
}
