// Builds a user app in-process against a real auth server over HTTP, sharing its test database, and cleans up with the test.
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { startTestAuthServer, type TestAuthServer } from '@portcullis/testkit/auth-server'
import { TEST_ENV } from '@portcullis/testkit/auth-app'
import { type UserConfig, loadUserConfig } from '../../src/config.ts'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import type { Database } from '@portcullis/shared/db/schema'
import { buildUserApp, type UserAppOptions } from '../../src/app.ts'

export interface TestUserService {
  app: FastifyInstance
  auth: TestAuthServer
  db: Kysely<Database>
  config: UserConfig
  /** Another user app on the same database and auth, with settings or parts (its keys, its clock) swapped. */
  another(env: Record<string, string>, options?: Pick<UserAppOptions, 'keys' | 'now'>): Promise<FastifyInstance>
}

interface Teardown {
  teardown(fn: () => unknown): void
}

/** `env` is given to both the auth server and the user app (settings they share, such as EMAIL_VERIFICATION). */
export async function startTestUserService(t: Teardown, kind: DatabaseKind, env: Record<string, string> = {}): Promise<TestUserService> {
  const auth = await startTestAuthServer(t, kind, env)
  const baseEnv = { ...TEST_ENV, ...auth.database.env, AUTH_URL: auth.url, ...env }
  async function build(env: Record<string, string>, options: Pick<UserAppOptions, 'keys' | 'now'> = {}) {
    const config = loadUserConfig({ ...baseEnv, ...env })
    const app = await buildUserApp({ config, database: auth.database.handle, ...options })
    t.teardown(() => app.close())
    return { app, config }
  }
  const { app, config } = await build({})
  return { app, auth, db: auth.database.handle.db, config, another: async (env, options) => (await build(env, options)).app }
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}

/** The claims of a JWT, read without verifying it. */
export function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1]
  if (payload === undefined) throw new Error(`not a JWT: ${token}`)
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
}

export function sessionIdOf(token: string): string {
  const sid = claimsOf(token).sid
  if (typeof sid !== 'string') throw new Error('the token has no sid')
  return sid
}
