// A transaction that may write, begun so that concurrent writers queue instead of failing.
import { type Kysely, sql } from 'kysely'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import type { Database } from '@portcullis/shared/db/schema'

/**
 * On MySQL a plain transaction: callers lock what they read with forUpdate. On SQLite the write lock is taken at BEGIN
 * (IMMEDIATE), so a transaction never reads, then fails to upgrade because another process wrote in between.
 */
export async function writeTransaction<T>(database: DatabaseHandle, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (database.kind === 'mysql') return database.db.transaction().execute(work)
  return database.db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection)
    try {
      const result = await work(connection)
      await sql`commit`.execute(connection)
      return result
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => {})
      throw error
    }
  })
}
