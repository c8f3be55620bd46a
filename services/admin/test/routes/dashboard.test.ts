// GET /admin/dashboard: counts of users, sign-ups, live sessions and failed logins, and the latest audit events.
import t from 'tap'
import { STRONG_PASSWORD } from '@portcullis/testkit/auth-app'
import { newId } from '@portcullis/shared/ids'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { injectAs, startTestAdmin } from '../helpers/admin-app.ts'
import { createUsers } from '../helpers/create-users.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

for (const kind of testDatabaseKinds()) {
  t.test(`GET /admin/dashboard on ${kind}`, async (t) => {
    const { app, auth, db, root, config } = await startTestAdmin(t, kind)
    const now = Date.now()
    const alice = await auth.userSession('alice')
    const bob = await auth.userSession('bob')
    await auth.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: bob.refresh_token } })
    const [old, , recent] = await createUsers(db, [
      { username: 'old', created_at: now - 2 * DAY, status: 'disabled' },
      { username: 'older', created_at: now - 10 * DAY, role: 'admin' },
      { username: 'recent', created_at: now - HOUR },
    ])
    // Sessions that ended without being revoked: past their absolute expiry, and idle too long.
    const session = (userId: string, lastUsed: number, expires: number) => ({
      id: newId(),
      user_id: userId,
      mode: 'token' as const,
      created_at: lastUsed,
      last_used_at: lastUsed,
      expires_at: expires,
      revoked_at: null,
      revoked_reason: null,
      user_agent: null,
      ip: null,
    })
    await db
      .insertInto('sessions')
      .values([session(String(old?.id), now - 2 * DAY, now - HOUR), session(String(recent?.id), now - config.refreshIdleTtl * 1000 - HOUR, now + DAY)])
      .execute()
    for (let i = 0; i < 3; i++) {
      const failed = await auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'alice', password: `${STRONG_PASSWORD} not` } })
      t.equal(failed.statusCode, 401)
    }
    const event = (type: string, at: number, detail: string | null) => ({
      id: newId(),
      at,
      type,
      user_id: alice.user.id,
      actor_id: root.user.id,
      ip: '192.0.2.1',
      user_agent: 'test',
      detail,
    })
    await db
      .insertInto('audit_events')
      .values([
        event('login_failed', now - 2 * DAY, null),
        ...Array.from({ length: 25 }, (_, i) =>
          event('role_changed', now + HOUR + i, i === 24 ? 'not json' : JSON.stringify({ from: 'user', to: 'admin', n: i })),
        ),
      ])
      .execute()

    const res = await injectAs(app, root.access_token, { method: 'GET', url: '/admin/dashboard' })
    t.equal(res.statusCode, 200)
    const body = res.json()
    t.same(body.counts, {
      users: { total: 6, by_role: { user: 4, admin: 2 }, by_status: { active: 5, disabled: 1 } },
      new_users: { last_24h: 4, last_7d: 5 },
      active_sessions: 2,
      failed_logins_24h: 3,
    })
    t.equal(body.recent_events.length, 20)
    t.same(
      body.recent_events.map((e: { detail: { n?: number } | null }) => e.detail?.n ?? null),
      [null, ...Array.from({ length: 19 }, (_, i) => 23 - i)],
      'the 20 newest, newest first; a detail that is not JSON shows as null',
    )
    t.same(body.recent_events[1], {
      id: body.recent_events[1].id,
      at: new Date(now + HOUR + 23).toISOString(),
      type: 'role_changed',
      user_id: alice.user.id,
      actor_id: root.user.id,
      user: { id: alice.user.id, kind: 'user', name: alice.user.username },
      actor: { id: root.user.id, kind: 'user', name: root.user.username },
      ip: '192.0.2.1',
      user_agent: 'test',
      detail: { from: 'user', to: 'admin', n: 23 },
    })
  })
}
