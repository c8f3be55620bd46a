// A spent refresh token remembers its successor, sealed with a key only the spent token itself can derive, so that a refresh
// repeated within the grace window gets the same successor back instead of forking the session (issue 11, item 2).
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('refresh_tokens').addColumn('successor', 'varchar(128)').execute()
  // Housekeeping forgets the successors of tokens spent longer ago than the grace window, by this index.
  await db.schema.createIndex('refresh_tokens_rotated_at').on('refresh_tokens').column('rotated_at').execute()
}
