// Decorates the user app with what its routes need: the config, the database, the clock and the session lifetime.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { UserConfig } from '../config.ts'
import type { DatabaseHandle } from '@portcullis/shared/db/connect'
import type { Database } from '@portcullis/shared/db/schema'
import { type SessionLifetime, sessionLifetime } from '@portcullis/shared/sessions/liveness'

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

export interface UserContextOptions {
  config: UserConfig
  database: DatabaseHandle
  now: () => number
}

async function userContext(app: FastifyInstance, options: UserContextOptions): Promise<void> {
  app.decorate('userConfig', options.config)
  app.decorate('db', options.database.db)
  app.decorate('now', options.now)
  app.decorate('sessionLifetime', sessionLifetime(options.config))
}

export const userContextPlugin = fp(userContext, { name: 'user-context', fastify: '5.x' })
