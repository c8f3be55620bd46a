// Hot queries built and compiled once per database, then run with each request's values. Kysely otherwise builds and compiles
// a query on every call, before it reaches the database; the SQL differs by dialect, so it is compiled once per Kysely instance.
import type { Compilable, CompiledQuery, Kysely } from 'kysely'
import type { Database } from './schema.ts'

/** Stands in for a named parameter while the query compiles; each execution binds the value of that name in its place. */
class Placeholder {
  readonly name: string

  constructor(name: string) {
    this.name = name
  }

  // Arithmetic on a parameter while building would bake one request's value into every execution.
  [Symbol.toPrimitive](): never {
    throw new TypeError(`precompiled query: parameter '${this.name}' was computed with while building; pass the computed value as a parameter of its own`)
  }
}

function placeholders<Params>(): Params {
  const made = new Map<string, Placeholder>()
  return new Proxy({} as Record<string, unknown>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined
      const placeholder = made.get(name) ?? new Placeholder(name)
      made.set(name, placeholder)
      return placeholder
    },
  }) as Params
}

function boundValue(params: object, name: string): unknown {
  const value = (params as Record<string, unknown>)[name]
  if (value === undefined) throw new TypeError(`precompiled query: no value for parameter '${name}'`)
  return value
}

export interface PrecompiledQuery<Params, Row> {
  /** The statement as it runs on this database with these values (for EXPLAIN, and what execute sends). */
  compile(db: Kysely<Database>, params: Params): CompiledQuery<Row>
  execute(db: Kysely<Database>, params: Params): Promise<Row[]>
  executeTakeFirst(db: Kysely<Database>, params: Params): Promise<Row | undefined>
}

/**
 * `build` receives stand-ins for its parameters: it may place them in the query (as values compared, limits…) but not compute
 * with them. The database should carry no plugin that keeps state between transforming a query and its result.
 */
export function precompiledQuery<Params extends object, Row>(build: (db: Kysely<Database>, params: Params) => Compilable<Row>): PrecompiledQuery<Params, Row> {
  const compiledFor = new WeakMap<Kysely<Database>, CompiledQuery<Row>>()
  function compile(db: Kysely<Database>, params: Params): CompiledQuery<Row> {
    let compiled = compiledFor.get(db)
    if (!compiled) {
      compiled = build(db, placeholders<Params>()).compile()
      compiledFor.set(db, compiled)
    }
    const parameters = compiled.parameters.map((value) => (value instanceof Placeholder ? boundValue(params, value.name) : value))
    return { ...compiled, parameters }
  }
  return {
    compile,
    async execute(db, params) {
      return (await db.executeQuery(compile(db, params))).rows
    },
    async executeTakeFirst(db, params) {
      return (await db.executeQuery(compile(db, params))).rows[0]
    },
  }
}
