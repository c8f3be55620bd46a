// The one rule of when a session is live, at its edges, and the same rule as SQL on both databases.
import t from 'tap'
import { newId } from '../../src/ids.ts'
import { isSessionLive, sessionIsLive, sessionState } from '../../src/sessions/liveness.ts'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'

const lifetime = { idleMs: 60_000 }
const now = 1_800_000_000_000

t.test('live until the absolute expiry and until the idle time since the last refresh, whichever comes first', async (t) => {
  const session = (changes: Partial<{ revoked_at: number | null; expires_at: number; last_used_at: number }>) => ({
    revoked_at: null,
    expires_at: now + 3_600_000,
    last_used_at: now,
    ...changes,
  })
  t.equal(sessionState(session({}), now, lifetime), 'live')
  t.equal(sessionState(session({ revoked_at: now - 1 }), now, lifetime), 'revoked', 'revoked wins over everything')
  t.equal(sessionState(session({ revoked_at: now, expires_at: now - 1 }), now, lifetime), 'revoked')
  t.equal(sessionState(session({ expires_at: now + 1 }), now, lifetime), 'live', 'one ms before the absolute expiry')
  t.equal(sessionState(session({ expires_at: now }), now, lifetime), 'expired', 'at the absolute expiry')
  t.equal(sessionState(session({ last_used_at: now - 59_999 }), now, lifetime), 'live', 'one ms before the idle time is up')
  t.equal(sessionState(session({ last_used_at: now - 60_000 }), now, lifetime), 'expired', 'when the idle time is up')
  t.notOk(isSessionLive(session({ last_used_at: now - 600_000 }), now, lifetime))
})

for (const kind of testDatabaseKinds()) {
  t.test(`the SQL form picks exactly the sessions the rule calls live, on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const db = database.handle.db
    const userId = newId()
    await db
      .insertInto('users')
      .values({
        id: userId,
        username: 'edge',
        email: null,
        display_name: null,
        password_hash: 'x',
        role: 'user',
        status: 'active',
        created_at: 0,
        updated_at: 0,
        last_login_at: null,
        password_changed_at: 0,
      })
      .execute()
    const cases = [
      { revoked_at: null, expires_at: now + 1, last_used_at: now },
      { revoked_at: null, expires_at: now, last_used_at: now },
      { revoked_at: null, expires_at: now + 3_600_000, last_used_at: now - 59_999 },
      { revoked_at: null, expires_at: now + 3_600_000, last_used_at: now - 60_000 },
      { revoked_at: now - 1, expires_at: now + 3_600_000, last_used_at: now },
    ]
    const rows = cases.map((times) => ({
      id: newId(),
      user_id: userId,
      mode: 'token' as const,
      created_at: 0,
      revoked_reason: null,
      user_agent: null,
      ip: null,
      ...times,
    }))
    await db.insertInto('sessions').values(rows).execute()
    const live = await db
      .selectFrom('sessions')
      .select('id')
      .where(sessionIsLive('sessions', now, lifetime))
      .execute()
    t.same(
      live.map((row) => row.id).sort(),
      rows
        .filter((row) => isSessionLive(row, now, lifetime))
        .map((row) => row.id)
        .sort(),
      'the query and the function agree on every edge',
    )
    t.equal(live.length, 2)
  })
}
