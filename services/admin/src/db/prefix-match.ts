// "column starts with prefix", as each database can answer it from an index.
import { type Expression, type SqlBool, sql } from 'kysely'
import type { DatabaseKind } from '@portcullis/shared/db/handle'

const LIKE_ESCAPE = '!'

/** The prefix as a LIKE pattern, with %, _ and the escape character itself taken literally. */
export function likePrefixPattern(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, (char) => `${LIKE_ESCAPE}${char}`)}%`
}

/** The smallest string greater than every string that starts with `prefix`, in code-point order; undefined when there is none. */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (char) => char.codePointAt(0) ?? 0)
  while (points.length > 0) {
    const last = points.pop() ?? 0
    if (last < 0x10ffff) {
      // Skip the surrogate block: those code points cannot stand alone in a string.
      points.push(last === 0xd7ff ? 0xe000 : last + 1)
      return String.fromCodePoint(...points)
    }
  }
  return undefined
}

/**
 * MySQL turns a constant LIKE prefix into an index range under its collation. SQLite's LIKE is case-folding and so cannot
 * use an index on a BINARY column; a code-point range can, and is exact for the lower-cased values stored there.
 */
export function startsWith(kind: DatabaseKind, column: string, prefix: string): Expression<SqlBool> {
  const ref = sql.ref(column)
  if (kind === 'mysql') return sql<SqlBool>`${ref} like ${likePrefixPattern(prefix)} escape ${sql.lit(LIKE_ESCAPE)}`
  const upper = prefixUpperBound(prefix)
  if (upper === undefined) return sql<SqlBool>`${ref} >= ${prefix}`
  return sql<SqlBool>`(${ref} >= ${prefix} and ${ref} < ${upper})`
}
