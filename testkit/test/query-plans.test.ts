// The query plans of the hot paths (issue 17), on SQLite and MariaDB: each case runs the code's own function on a database with
// enough rows that the planners prefer indexes, records every statement it sends, and EXPLAINs the selects, updates and
// deletes. A full table scan fails (SQLite: SCAN without an index; MariaDB: type ALL), as do a value written into the SQL
// text, a query that reads another index than the one named for it, and a join where the statement must stay compiled.
// Here because testkit is the package that depends on every service.
import t from 'tap'
import { adminStanding } from '@portcullis/admin/users/active-admin'
import { listUsers } from '@portcullis/admin/users/list-users'
import { hashRefreshToken } from '@portcullis/auth/sessions/refresh-token'
import { rotateRefreshToken } from '@portcullis/auth/sessions/rotate'
import { findAccountIn } from '@portcullis/oidc/account/find-account'
import { PayloadAdapter } from '@portcullis/oidc/adapter/payload-adapter'
import type { DatabaseHandle, DatabaseKind } from '@portcullis/shared/db/handle'
import { newId } from '@portcullis/shared/ids'
import { endSignIns, signInSession, touchSignIn } from '@portcullis/shared/oidc/sign-ins'
import { findUserAndSession, liveSessionUser } from '@portcullis/shared/sessions/signed-in-user'
import { recentAccountEvents } from '@portcullis/user/audit/recent-events'
import { findLiveSession, listLiveSessions } from '@portcullis/user/sessions/queries'
import { createTestDatabase, testDatabaseKinds } from '../src/databases.ts'

// Kysely's types as the handle has them: testkit does not depend on kysely itself.
type Db = DatabaseHandle['db']
type Executor = ReturnType<Db['getExecutor']>
type CompiledQuery = ReturnType<Executor['compileQuery']>
type DatabaseConnection = Parameters<Parameters<Executor['provideConnection']>[0]>[0]

const USERS = 3000
const SESSIONS_PER_USER = 3
const NOW = 1_800_000_000_000
const DAY = 86_400_000
const lifetime = { idleMs: 30 * DAY }
const policy = { idleMs: 30 * DAY, absoluteMs: 90 * DAY, reuseGraceMs: 10_000, accessTokenTtl: 300 }

/** The primary key, whatever each database calls it. */
const PRIMARY = 'primary key'

interface Seeded {
  userId: string
  sessionId: string
  refreshToken: string
  grantId: string
  uid: string
}

interface HotQuery {
  name: string
  run(db: Db, database: DatabaseHandle, seeded: Seeded): Promise<unknown>
  /** The index each table (by its alias in the query) must be read through. */
  uses?: Record<string, string>
  /** One table at the top of SQLite's plan, the rest in subqueries: SQLite compiles a join on a bound id anew at every execution. */
  noJoin?: boolean
}

const HOT_QUERIES: HotQuery[] = [
  {
    name: 'the signed-in user and their session (user service, every request)',
    run: (db, _database, s) => findUserAndSession(db, s.userId, s.sessionId, NOW, lifetime),
    uses: { u: PRIMARY, live_session: PRIMARY },
    noJoin: true,
  },
  {
    name: "auth's and the OIDC provider's live session check",
    run: (db, _database, s) => liveSessionUser(db, s.userId, s.sessionId, NOW, lifetime),
    uses: { u: PRIMARY, live_session: PRIMARY },
    noJoin: true,
  },
  {
    name: 'the live sessions of a user (sessions page, dashboard)',
    run: (db, _database, s) => listLiveSessions(db, s.userId, NOW, lifetime),
    uses: { sessions: 'sessions_user_live' },
  },
  { name: 'one live session of a user (ending it)', run: (db, _database, s) => findLiveSession(db, s.userId, s.sessionId, NOW, lifetime) },
  { name: "the user's recent security events (dashboard)", run: (db, _database, s) => recentAccountEvents(db, s.userId) },
  {
    name: 'a refresh: the presented token, its spending and the session touched',
    run: (db, _database, s) => rotateRefreshToken(db, s.refreshToken, policy, NOW),
  },
  { name: 'a refresh with an unknown token', run: (db) => rotateRefreshToken(db, 'not-a-token-we-issued', policy, NOW) },
  {
    // Still the join findUserAndSession replaced for the user service (services/admin is not this test's to change).
    name: "the admin service's check of an admin's standing (every admin request)",
    run: (db, _database, s) => adminStanding(db, s.userId, s.sessionId, NOW, lifetime),
  },
  {
    name: "the admin's user list, first page and a later one, filtered",
    run: async (db, database) => {
      const handle = { ...database, db }
      const first = await listUsers(handle, { sort: 'created_at', limit: 50 })
      await listUsers(handle, { sort: 'created_at', limit: 50, cursor: first.nextCursor ?? undefined })
      const filter = { sort: '-username', limit: 50, role: 'user', status: 'active' } as const
      await listUsers(handle, { ...filter, cursor: (await listUsers(handle, filter)).nextCursor ?? undefined })
      await listUsers(handle, { sort: 'username', limit: 50, q: 'user0012' })
    },
  },
  {
    name: "the OIDC provider's payloads: by model and id, by uid, by user code, consumed, revoked by grant",
    run: async (db, _database, s) => {
      const grants = new PayloadAdapter(db, 'Grant', () => NOW)
      await grants.find(s.grantId)
      await new PayloadAdapter(db, 'Interaction', () => NOW).findByUid(s.uid)
      await new PayloadAdapter(db, 'DeviceCode', () => NOW).findByUserCode('no-such-code')
      const tokens = new PayloadAdapter(db, 'AccessToken', () => NOW)
      await tokens.consume('no-such-token')
      await tokens.revokeByGrantId('no-such-grant')
    },
  },
  {
    name: "the OIDC provider's account lookup and a grant's sign-in",
    run: async (db, _database, s) => {
      await findAccountIn(db)(undefined as never, s.userId)
      await signInSession(db, s.grantId)
      await touchSignIn(db, s.grantId, NOW)
    },
  },
  {
    name: "ending a session's sign-ins, and a user's but the current session's",
    run: async (db, _database, s) => {
      await endSignIns(db, { sessionIds: ['no-such-session'] })
      await endSignIns(db, { userId: s.userId, exceptSessionId: s.sessionId })
    },
  },
]

/**
 * Records every statement sent to the database while `run` runs, as compiled (precompiled queries, and queries with their own
 * plugins, included): the driver's connections are where they all pass, so their class's executeQuery is wrapped meanwhile.
 */
async function recorded(db: Db, run: () => Promise<unknown>): Promise<CompiledQuery[]> {
  let prototype: DatabaseConnection | undefined
  await db.getExecutor().provideConnection(async (connection) => {
    prototype = Object.getPrototypeOf(connection) as DatabaseConnection
  })
  if (!prototype) throw new Error('no connection')
  const connections = prototype
  const executeQuery = connections.executeQuery
  const statements: CompiledQuery[] = []
  connections.executeQuery = function (this: DatabaseConnection, query, ...rest) {
    statements.push(query)
    return executeQuery.call(this, query, ...rest)
  } as DatabaseConnection['executeQuery']
  try {
    await run()
  } finally {
    connections.executeQuery = executeQuery
  }
  return statements
}

interface PlanStep {
  table: string
  /** The index read, PRIMARY for the primary key; null for none. */
  index: string | null
  fullScan: boolean
  /** SQLite: read at the top of the plan (a join's tables all are), not inside a subquery. */
  topLevel: boolean
  text: string
}

const SQLITE_INDEX = /USING (?:COVERING )?INDEX (\S+)|USING (INTEGER )?PRIMARY KEY/

async function explain(kind: DatabaseKind, db: Db, query: CompiledQuery): Promise<PlanStep[]> {
  if (kind === 'sqlite') {
    const { rows } = await statement<{ detail: string; parent: number }>(db, `explain query plan ${query.sql}`, query.parameters)
    return rows.flatMap(({ detail, parent }) => {
      const step = /^(SCAN|SEARCH) (\S+)/.exec(detail)
      if (!step || step[2] === 'CONSTANT') return []
      const used = SQLITE_INDEX.exec(detail)
      const index = used ? (used[1]?.startsWith('sqlite_autoindex_') || used[1] === undefined ? PRIMARY : used[1]) : null
      return [{ table: step[2] as string, index, fullScan: step[1] === 'SCAN' && !used, topLevel: parent === 0, text: detail }]
    })
  }
  const { rows } = await statement<{ table: string | null; type: string | null; key: string | null; rows: number | null; Extra: string | null }>(
    db,
    `explain ${query.sql}`,
    query.parameters,
  )
  return rows
    .filter((row) => row.table !== null && !row.table.startsWith('<'))
    .map((row) => ({
      table: row.table as string,
      index: row.key === 'PRIMARY' ? PRIMARY : row.key,
      fullScan: row.type === 'ALL',
      topLevel: true,
      text: `${row.table}: type ${row.type}, key ${row.key}, rows ${row.rows}, ${row.Extra ?? ''}`,
    }))
}

/** A statement of our own text, shaped as Kysely compiles one. */
function statement<Row>(db: Db, text: string, parameters: readonly unknown[] = []) {
  return db.executeQuery<Row>({ ...db.selectFrom('users').select('id').compile(), sql: text, parameters })
}

const EXPLAINABLE = /^\s*(select|update|delete)\b/i

async function seed(database: DatabaseHandle): Promise<Seeded> {
  const db = database.db
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: newId(),
    username: `user${String(i).padStart(5, '0')}`,
    email: `user${i}@example.com`,
    display_name: `User ${i}`,
    password_hash: 'x',
    role: i % 100 === 0 ? ('admin' as const) : ('user' as const),
    status: i % 20 === 0 ? ('disabled' as const) : ('active' as const),
    created_at: NOW - i * 1000,
    updated_at: NOW,
    last_login_at: null,
    password_changed_at: NOW,
  }))
  const sessions = users.flatMap((user, i) =>
    Array.from({ length: SESSIONS_PER_USER }, (_, k) => ({
      id: newId(),
      user_id: user.id,
      mode: 'cookie' as const,
      created_at: NOW - DAY + k,
      last_used_at: NOW - (i % 3) * DAY,
      expires_at: NOW + 60 * DAY,
      revoked_at: k === 0 ? NOW - DAY : null,
      revoked_reason: k === 0 ? 'logout' : null,
      user_agent: 'test',
      ip: '127.0.0.1',
    })),
  )
  const tokens = sessions.map((session) => ({
    id: newId(),
    session_id: session.id,
    token_hash: hashRefreshToken(`token-of-${session.id}`),
    created_at: NOW - DAY,
    rotated_at: null,
    successor: null,
  }))
  const events = users.flatMap((user, i) =>
    [0, 1].map((k) => ({ id: newId(), at: NOW - i - k, type: 'login', user_id: user.id, actor_id: user.id, ip: null, user_agent: null, detail: null })),
  )
  const clients = Array.from({ length: 5 }, (_, i) => ({
    id: `client-${i}`,
    name: `App ${i}`,
    secret_hash: null,
    redirect_uris: '[]',
    public: 1,
    first_party: 0,
    created_at: NOW,
    disabled_at: null,
  }))
  const signIns = sessions
    .filter((_, i) => i % 3 === 1)
    .map((session, i) => ({
      grant_id: `grant-${i}`,
      user_id: session.user_id,
      client_id: `client-${i % 5}`,
      session_id: session.id,
      created_at: NOW,
      last_used_at: NOW,
    }))
  const payloads = signIns.flatMap((signIn, i) => [
    { model: 'Grant', id: signIn.grant_id, payload: '{}', grant_id: null, user_code: null, uid: null, expires_at: NOW + DAY, consumed_at: null },
    { model: 'AccessToken', id: `at-${i}`, payload: '{}', grant_id: signIn.grant_id, user_code: null, uid: null, expires_at: NOW + DAY, consumed_at: null },
    { model: 'Interaction', id: `in-${i}`, payload: '{}', grant_id: null, user_code: null, uid: `uid-${i}`, expires_at: NOW + DAY, consumed_at: null },
  ])
  for (const [table, rows] of [
    ['users', users],
    ['sessions', sessions],
    ['refresh_tokens', tokens],
    ['audit_events', events],
    ['oidc_clients', clients],
    ['oidc_sign_ins', signIns],
    ['oidc_payloads', payloads],
  ] as const) {
    for (let start = 0; start < rows.length; start += 500) {
      await db
        .insertInto(table)
        .values(rows.slice(start, start + 500) as never)
        .execute()
    }
  }
  // MariaDB's statistics as a running server would have them (InnoDB recomputes them in the background after bulk changes).
  if (database.kind === 'mysql') await statement(db, 'analyze table users, sessions, refresh_tokens, audit_events, oidc_sign_ins, oidc_payloads')
  const session = sessions[SESSIONS_PER_USER * 7 + 1] as (typeof sessions)[number]
  const signIn = signIns.find((row) => row.session_id === session.id) as (typeof signIns)[number]
  return {
    userId: session.user_id,
    sessionId: session.id,
    refreshToken: `token-of-${session.id}`,
    grantId: signIn.grant_id,
    uid: 'uid-7',
  }
}

for (const kind of testDatabaseKinds()) {
  t.test(`hot query plans on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const seeded = await seed(database.handle)

    await t.test('the check itself sees a full scan and the index read', async (t) => {
      const unindexed = await explain(kind, database.handle.db, {
        ...database.handle.db.selectFrom('users').selectAll().where('display_name', '=', 'x').compile(),
      })
      t.same(
        unindexed.map((step) => [step.table, step.fullScan]),
        [['users', true]],
      )
      const byKey = await explain(kind, database.handle.db, database.handle.db.selectFrom('users').selectAll().where('id', '=', seeded.userId).compile())
      t.same(
        byKey.map((step) => [step.table, step.index, step.fullScan]),
        [['users', PRIMARY, false]],
      )
    })

    for (const hot of HOT_QUERIES) {
      await t.test(hot.name, async (t) => {
        const { db } = database.handle
        const statements = await recorded(db, () => hot.run(db, database.handle, seeded))
        const explained = statements.filter((statement) => EXPLAINABLE.test(statement.sql))
        t.ok(explained.length > 0, 'it sends at least one statement to explain')
        for (const statement of explained) {
          const steps = await explain(kind, database.handle.db, statement)
          const plan = steps.map((step) => step.text).join('\n')
          const scans = steps.filter((step) => step.fullScan)
          t.same(
            scans.map((step) => step.table),
            [],
            `no full table scan: ${statement.sql}\n${plan}`,
          )
          for (const value of [seeded.userId, seeded.sessionId, seeded.grantId])
            t.notOk(statement.sql.includes(value), `values are bound, not written into the SQL: ${statement.sql}`)
          if (hot.noJoin && kind === 'sqlite') t.equal(steps.filter((step) => step.topLevel).length, 1, `no join: ${statement.sql}\n${plan}`)
          for (const [table, index] of Object.entries(hot.uses ?? {})) {
            const step = steps.find((candidate) => candidate.table === table)
            if (step) t.equal(step.index, index, `${table} is read through ${index}: ${statement.sql}\n${plan}`)
          }
        }
        for (const table of Object.keys(hot.uses ?? {})) {
          const found = await Promise.all(explained.map((statement) => explain(kind, database.handle.db, statement)))
          t.ok(
            found.some((steps) => steps.some((step) => step.table === table)),
            `${table} appears in a plan`,
          )
        }
      })
    }
  })
}
