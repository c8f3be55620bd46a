// Decorates the admin app with what its routes need: the configuration, the database, the clock and the client of auth's internal API.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { Config } from '@portcullis/shared/config'
import type { DatabaseHandle } from '@portcullis/shared/db/connect'
import type { Database } from '@portcullis/shared/db/schema'
import type { AuthClient } from '@portcullis/shared/internal/auth-client'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Kysely<Database>
    /** The database with its kind, for the few queries that differ between MySQL and SQLite. */
    database: DatabaseHandle
    now: () => number
    authClient: AuthClient
  }
}

export interface AdminContextOptions {
  config: Config
  database: DatabaseHandle
  now: () => number
  authClient: AuthClient
}

async function adminContext(app: FastifyInstance, options: AdminContextOptions): Promise<void> {
  app.decorate('config', options.config)
  app.decorate('db', options.database.db)
  app.decorate('database', options.database)
  app.decorate('now', options.now)
  app.decorate('authClient', options.authClient)
}

export const adminContextPlugin = fp(adminContext, { name: 'admin-context', fastify: '5.x' })
