// An admin app wired to a real auth service over HTTP, on that service's test database, with a signed-in admin.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Kysely } from 'kysely'
import { ADMIN_MFA_OFF, ADMIN_MFA_ON } from '@portcullis/testkit/admin-mfa'
import { type LoginResult, TEST_ENV } from '@portcullis/testkit/auth-app'
import { startTestAuthServer, type TestAuthServer } from '@portcullis/testkit/auth-server'
import { type AdminConfig, loadAdminConfig } from '../../src/config.ts'
import type { DatabaseHandle, DatabaseKind } from '@portcullis/shared/db/handle'
import { connectDatabase } from '@portcullis/database/connect'
import type { Database } from '@portcullis/shared/db/schema'
import { buildAdminApp } from '../../src/app.ts'

export interface TestAdmin {
  auth: TestAuthServer
  app: FastifyInstance
  db: Kysely<Database>
  config: AdminConfig
  /** A signed-in admin named "root". */
  root: LoginResult
  /** Builds another admin app on the same auth and database, e.g. with its own clock or database connections. */
  buildApp(options?: AppOverrides): Promise<FastifyInstance>
  /** Another admin instance with its own database connections, as a second process would have. */
  secondInstance(): Promise<FastifyInstance>
}

interface AppOverrides {
  config?: AdminConfig
  now?: () => number
  database?: DatabaseHandle
}

interface Teardown {
  teardown(fn: () => unknown): void
}

/** The admin settings on this auth; MFA_REQUIRED_FOR_ADMINS off unless `extra` turns it on (testkit/src/admin-mfa.ts). */
export async function adminConfig(auth: TestAuthServer, extra: Record<string, string> = {}): Promise<AdminConfig> {
  return loadAdminConfig({ ...TEST_ENV, ...auth.database.env, AUTH_URL: auth.url, ...ADMIN_MFA_OFF, ...extra })
}

export interface TestAdminOptions {
  now?: () => number
  /** MFA_REQUIRED_FOR_ADMINS, off by default here: the policy's own tests turn it on. */
  mfaRequiredForAdmins?: boolean
}

export async function startTestAdmin(t: Teardown, kind: DatabaseKind, options: TestAdminOptions = {}): Promise<TestAdmin> {
  const auth = await startTestAuthServer(t, kind)
  const config = await adminConfig(auth, options.mfaRequiredForAdmins ? ADMIN_MFA_ON : ADMIN_MFA_OFF)
  const buildApp = async (extra: AppOverrides = {}) => {
    const app = await buildAdminApp({ config, database: auth.database.handle, now: options.now, ...extra })
    t.teardown(() => app.close())
    return app
  }
  const secondInstance = async () => {
    const database = connectDatabase(config)
    t.teardown(() => database.close())
    return buildApp({ database })
  }
  const app = await buildApp()
  const root = await auth.userSession('root', 'admin')
  return { auth, app, db: auth.database.handle.db, config, root, buildApp, secondInstance }
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}

/** app.inject as the holder of this access token. */
export function injectAs(app: FastifyInstance, token: string, request: InjectOptions): Promise<LightMyRequestResponse> {
  return app.inject({ ...request, headers: { ...request.headers, ...bearer(token) } })
}

/** POST /auth/refresh on the real auth service, as a token-mode client. */
export async function refreshOverHttp(auth: TestAuthServer, refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${auth.url}/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1]
  if (payload === undefined) throw new Error(`not a JWT: ${token}`)
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
}
