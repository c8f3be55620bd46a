// The one database as every module sees it: a Kysely instance on the schema, its kind, and what a process does with it.
// Opening it (the drivers: mysql2, better-sqlite3) is @portcullis/database's, which only the processes with a database load.
import path from 'node:path'
import type { Kysely } from 'kysely'
import type { Database } from './schema.ts'

export type DatabaseKind = 'mysql' | 'sqlite'

export interface DatabaseHandle {
  db: Kysely<Database>
  kind: DatabaseKind
  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>
  close(): Promise<void>
}

/** The embedded database's file in DATA_DIR. */
export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'portcullis.db')
}

/** True when the error is a unique-key violation on either database. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const code = (error as { code?: unknown }).code
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
