// Decorates the admin app with what its routes need: the configuration, the database and the clock.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Kysely } from 'kysely'
import type { AdminConfig } from '../config.ts'
import type { DatabaseHandle } from '@portcullis/shared/db/connect'
import type { Database } from '@portcullis/shared/db/schema'

declare module 'fastify' {
  interface FastifyInstance {
    /** The admin service's settings (config.ts). */
    adminConfig: AdminConfig
    db: Kysely<Database>
    /** The database with its kind, for the few queries that differ between MySQL and SQLite. */
    database: DatabaseHandle
    now: () => number
  }
}

export interface AdminContextOptions {
  config: AdminConfig
  database: DatabaseHandle
  now: () => number
}

async function adminContext(app: FastifyInstance, options: AdminContextOptions): Promise<void> {
  app.decorate('adminConfig', options.config)
  app.decorate('db', options.database.db)
  app.decorate('database', options.database)
  app.decorate('now', options.now)
}

export const adminContextPlugin = fp(adminContext, { name: 'admin-context', fastify: '5.x' })
