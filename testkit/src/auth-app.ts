// Builds an auth app on a fresh test database with a movable clock, and cleans everything up with the test.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { type AuthConfig, loadAuthConfig } from '@portcullis/auth/config'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import { createTestDatabase, type TestDatabase } from './databases.ts'
import { buildAuthApp } from '@portcullis/auth/app'

export interface TestAuth {
  app: FastifyInstance
  database: TestDatabase
  config: AuthConfig
  clock: { now(): number; advance(ms: number): void }
}

/** Light argon2 parameters keep the suite fast; the parameters themselves are tested in login's re-hash test. */
export const TEST_ENV = {
  LOG_LEVEL: 'silent',
  ARGON2_MEMORY_KIB: '4096',
  ARGON2_TIME_COST: '1',
  COOKIE_SECURE: 'true',
}

interface Teardown {
  teardown(fn: () => unknown): void
}

export async function startTestAuth(t: Teardown, kind: DatabaseKind, env: Record<string, string> = {}): Promise<TestAuth> {
  const database = await createTestDatabase(kind)
  t.teardown(() => database.drop())
  const config = loadAuthConfig({ ...TEST_ENV, ...database.env, ...env })
  let current = Date.now()
  const clock = {
    now: () => current,
    advance(ms: number) {
      current += ms
    },
  }
  const app = await buildAuthApp({ config, database: database.handle, now: clock.now })
  t.teardown(() => app.close())
  return { app, database, config, clock }
}

export const STRONG_PASSWORD = 'correct horse battery staple'

export async function signup(app: FastifyInstance, username: string, extra: Record<string, unknown> = {}): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/auth/signup', payload: { username, password: STRONG_PASSWORD, ...extra } })
}

export interface LoginResult {
  access_token: string
  refresh_token: string
  user: { id: string; role: string; username: string; email: string | null }
}

export async function signupAndLogin(app: FastifyInstance, username: string, ip = '127.0.0.1'): Promise<LoginResult> {
  const created = await signup(app, username)
  if (created.statusCode !== 201) throw new Error(`signup failed: ${created.statusCode} ${created.body}`)
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: STRONG_PASSWORD }, remoteAddress: ip })
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`)
  return login.json<LoginResult>()
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}
