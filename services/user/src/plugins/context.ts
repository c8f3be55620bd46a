// Decorates the user app with what its routes need: the config, the database, the clock and the client of auth's internal API.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { Config } from '@portcullis/shared/config'
import type { DatabaseHandle } from '@portcullis/shared/db/connect'
import type { Database } from '@portcullis/shared/db/schema'
import type { AuthClient } from '@portcullis/shared/internal/auth-client'
import type { SessionLiveness } from '../sessions/queries.ts'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Kysely<Database>
    authClient: AuthClient
    now: () => number
    /** The rule for which sessions are live, as of now. */
    sessionLiveness(): SessionLiveness
  }
}

export interface UserContextOptions {
  config: Config
  database: DatabaseHandle
  authClient: AuthClient
  now: () => number
}

async function userContext(app: FastifyInstance, options: UserContextOptions): Promise<void> {
  const idleMs = options.config.refreshIdleTtl * 1000
  app.decorate('config', options.config)
  app.decorate('db', options.database.db)
  app.decorate('authClient', options.authClient)
  app.decorate('now', options.now)
  app.decorate('sessionLiveness', () => ({ now: options.now(), idleMs }))
}

export const userContextPlugin = fp(userContext, { name: 'user-context', fastify: '5.x' })
