// Decorates the auth app with what its routes need: the database, the clock, password hashing, session policy and the key ring.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { AuthConfig } from '../config.ts'
import type { DatabaseHandle } from '@portcullis/shared/db/connect'
import type { Database } from '@portcullis/shared/db/schema'
import type { KeyRing } from '../keys/ring.ts'
import type { PasswordHasher } from '../passwords/hash.ts'
import { type SessionPolicy, sessionPolicy } from '../sessions/policy.ts'
import type { ThrottleRules } from '../throttle/login-throttle.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The auth service's settings (config.ts). */
    authConfig: AuthConfig
    db: Kysely<Database>
    now: () => number
    passwords: PasswordHasher
    sessionPolicy: SessionPolicy
    throttleRules: ThrottleRules
    keyRing: KeyRing
  }
}

export interface AuthContextOptions {
  config: AuthConfig
  database: DatabaseHandle
  now: () => number
  passwords: PasswordHasher
  keyRing: KeyRing
}

async function authContext(app: FastifyInstance, options: AuthContextOptions): Promise<void> {
  app.decorate('authConfig', options.config)
  app.decorate('db', options.database.db)
  app.decorate('now', options.now)
  app.decorate('passwords', options.passwords)
  app.decorate('sessionPolicy', sessionPolicy(options.config))
  app.decorate('throttleRules', {
    accountFreeFailures: options.config.loginAccountFreeFailures,
    ipFreeFailures: options.config.loginIpFreeFailures,
    maxBackoffSeconds: options.config.loginMaxBackoff,
  })
  app.decorate('keyRing', options.keyRing)
}

export const authContextPlugin = fp(authContext, { name: 'auth-context', fastify: '5.x' })
