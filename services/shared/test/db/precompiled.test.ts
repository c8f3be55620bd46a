// Precompiled queries: compiled once per database, each execution with its own values, and the misuses refused.
import t from 'tap'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { precompiledQuery } from '../../src/db/precompiled.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const { db } = database.handle
    await db
      .insertInto('signing_keys')
      .values(['a', 'b', 'c'].map((kid, i) => ({ kid, alg: 'EdDSA', public_jwk: '{}', private_pem: '', created_at: i, retired_at: null })))
      .execute()

    let builds = 0
    const keysCreatedFrom = precompiledQuery((db, p: { since: number; limit: number }) => {
      builds++
      return db.selectFrom('signing_keys').select('kid').where('created_at', '>=', p.since).where('alg', '=', 'EdDSA').orderBy('kid').limit(p.limit)
    })
    t.same(await keysCreatedFrom.execute(db, { since: 1, limit: 10 }), [{ kid: 'b' }, { kid: 'c' }])
    t.same(await keysCreatedFrom.execute(db, { since: 0, limit: 1 }), [{ kid: 'a' }])
    t.same(await keysCreatedFrom.executeTakeFirst(db, { since: 3, limit: 10 }), undefined)
    t.equal(builds, 1, 'built and compiled once for this database')
    t.same(keysCreatedFrom.compile(db, { since: 2, limit: 5 }).parameters, [2, 'EdDSA', 5], 'constants stay, each placeholder gets its value')

    await db.transaction().execute(async (trx) => {
      t.same(await keysCreatedFrom.execute(trx, { since: 2, limit: 10 }), [{ kid: 'c' }])
    })
    t.equal(builds, 2, 'another Kysely instance (a transaction) gets its own compilation')

    t.throws(() => keysCreatedFrom.compile(db, { since: 1 } as { since: number; limit: number }), /no value for parameter 'limit'/)
    const computed = precompiledQuery((db, p: { now: number }) =>
      db
        .selectFrom('signing_keys')
        .select('kid')
        .where('created_at', '>', p.now - 1000),
    )
    t.throws(() => computed.compile(db, { now: 5 }), /parameter 'now' was computed with/)
  })
}
