// What auth's routes and domain modules are given: its settings, the database, the clock, password hashing, the session and
// throttle rules, and the signing key ring. Built by the one context-plugin factory every service uses.
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import type { Database } from '@portcullis/shared/db/schema'
import { contextPlugin } from '@portcullis/shared/plugins/context'
import type { AuthConfig } from '../../config.ts'
import type { KeyRing } from '@portcullis/shared/keys/ring'
import type { PasswordHasher } from '../../passwords/hash.ts'
import { type SessionPolicy, sessionPolicy } from '../../sessions/policy.ts'
import type { ThrottleRules } from '../../throttle/login-throttle.ts'

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

/** The part of the app a domain module works with: `changePassword(app, …)`. */
export type AuthContext = Pick<FastifyInstance, 'authConfig' | 'db' | 'now' | 'passwords' | 'sessionPolicy' | 'throttleRules' | 'keyRing'>

export interface AuthContextOptions {
  config: AuthConfig
  database: DatabaseHandle
  now: () => number
  passwords: PasswordHasher
  keyRing: KeyRing
}

export const authContextPlugin = contextPlugin(
  'auth-context',
  (options: AuthContextOptions): AuthContext => ({
    authConfig: options.config,
    db: options.database.db,
    now: options.now,
    passwords: options.passwords,
    sessionPolicy: sessionPolicy(options.config),
    throttleRules: {
      accountFreeFailures: options.config.loginAccountFreeFailures,
      ipFreeFailures: options.config.loginIpFreeFailures,
      maxBackoffSeconds: options.config.loginMaxBackoff,
    },
    keyRing: options.keyRing,
  }),
)
