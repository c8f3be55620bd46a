// What the user service's routes are given: its settings, the database, the clock and the session lifetime. Built by the
// one context-plugin factory every service uses.
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import type { Database } from '@portcullis/shared/db/schema'
import { contextPlugin } from '@portcullis/shared/plugins/context'
import { type SessionLifetime, sessionLifetime } from '@portcullis/shared/sessions/liveness'
import type { UserConfig } from '../../config.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The user service's settings (config.ts). */
    userConfig: UserConfig
    db: Kysely<Database>
    now: () => number
    /** REFRESH_IDLE_TTL, for the one rule of which sessions are live. */
    sessionLifetime: SessionLifetime
  }
}

export type UserContext = Pick<FastifyInstance, 'userConfig' | 'db' | 'now' | 'sessionLifetime'>

export interface UserContextOptions {
  config: UserConfig
  database: DatabaseHandle
  now: () => number
}

export const userContextPlugin = contextPlugin(
  'user-context',
  (options: UserContextOptions): UserContext => ({
    userConfig: options.config,
    db: options.database.db,
    now: options.now,
    sessionLifetime: sessionLifetime(options.config),
  }),
)
