// Keyset paging: the rows after a position in the order (key, id), written so that the database seeks into the ordered index.
import { type Expression, type SqlBool, sql } from 'kysely'

export type Direction = 'asc' | 'desc'

/**
 * Rows strictly after (value, id) in `direction`. The leading bound is implied by the rest; it is there because it is what
 * lets MySQL and SQLite start the index range at the cursor instead of walking every row before it.
 */
export function keysetAfter(key: string, id: string, direction: Direction, value: number | string, lastId: string): Expression<SqlBool> {
  const keyRef = sql.ref(key)
  const idRef = sql.ref(id)
  const bound = sql.raw(direction === 'asc' ? '>=' : '<=')
  const past = sql.raw(direction === 'asc' ? '>' : '<')
  return sql<SqlBool>`${keyRef} ${bound} ${value} and (${keyRef} ${past} ${value} or ${idRef} ${past} ${lastId})`
}
