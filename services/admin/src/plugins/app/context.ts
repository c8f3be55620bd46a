// What the admin service's routes are given: its settings, the database (with its kind, for the few queries that differ),
// the clock and the session lifetime. Built by the one context-plugin factory every service uses.
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import type { Database } from '@portcullis/shared/db/schema'
import { contextPlugin } from '@portcullis/shared/plugins/context'
import { type SessionLifetime, sessionLifetime } from '@portcullis/shared/sessions/liveness'
import type { AdminConfig } from '../../config.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The admin service's settings (config.ts). */
    adminConfig: AdminConfig
    db: Kysely<Database>
    /** The database with its kind, for the few queries that differ between MySQL and SQLite. */
    database: DatabaseHandle
    now: () => number
    /** REFRESH_IDLE_TTL, for the one rule of which sessions are live. */
    sessionLifetime: SessionLifetime
  }
}

export type AdminContext = Pick<FastifyInstance, 'adminConfig' | 'db' | 'database' | 'now' | 'sessionLifetime'>

export interface AdminContextOptions {
  config: AdminConfig
  database: DatabaseHandle
  now: () => number
}

export const adminContextPlugin = contextPlugin(
  'admin-context',
  (options: AdminContextOptions): AdminContext => ({
    adminConfig: options.config,
    db: options.database.db,
    database: options.database,
    now: options.now,
    sessionLifetime: sessionLifetime(options.config),
  }),
)
