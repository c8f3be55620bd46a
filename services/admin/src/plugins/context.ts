// Decorates the admin app with what its routes need: the configuration, the database and the clock.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { Config } from '@portcullis/shared/config'
import type { DatabaseHandle } from '@portcullis/shared/db/connect'
import type { Database } from '@portcullis/shared/db/schema'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Kysely<Database>
    /** The database with its kind, for the few queries that differ between MySQL and SQLite. */
    database: DatabaseHandle
    now: () => number
  }
}

export interface AdminContextOptions {
  config: Config
  database: DatabaseHandle
  now: () => number
}

async function adminContext(app: FastifyInstance, options: AdminContextOptions): Promise<void> {
  app.decorate('config', options.config)
  app.decorate('db', options.database.db)
  app.decorate('database', options.database)
  app.decorate('now', options.now)
}

export const adminContextPlugin = fp(adminContext, { name: 'admin-context', fastify: '5.x' })
