import type { AccountEvent } from '@portcullis/shared/api/user'
import t from 'tap'
import { newId } from '@portcullis/shared/ids'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { bearer, sessionIdOf, startTestUserService } from '../helpers/user-app.ts'

interface Dashboard {
  profile: Record<string, unknown>
  sessions: Array<{ id: string; current: boolean }>
  recent_events: AccountEvent[]
}

for (const kind of testDatabaseKinds()) {
  t.test(`dashboard on ${kind}`, async (t) => {
    const { app, auth, db } = await startTestUserService(t, kind)
    const alice = await auth.userSession('alice')
    const bob = await auth.userSession('bob')
    const dashboard = async (token: string): Promise<Dashboard> => {
      const res = await app.inject({ method: 'GET', url: '/user/dashboard', headers: bearer(token) })
      if (res.statusCode !== 200) throw new Error(`GET /user/dashboard answered ${res.statusCode}: ${res.body}`)
      return res.json<Dashboard>()
    }

    t.test('profile, live sessions and your own recent events, newest first', async (t) => {
      const patched = await app.inject({
        method: 'PATCH',
        url: '/user/profile',
        payload: { display_name: 'Alice' },
        headers: { ...bearer(alice.access_token), 'user-agent': 'dash-test/1.0' },
      })
      t.equal(patched.statusCode, 200)
      const body = await dashboard(alice.access_token)
      t.same(Object.keys(body).sort(), ['profile', 'recent_events', 'sessions'])
      const profile = await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(alice.access_token) })
      t.same(body.profile, profile.json(), 'the profile is the one GET /user/profile shows')
      const sessions = await app.inject({ method: 'GET', url: '/user/sessions', headers: bearer(alice.access_token) })
      t.same(body.sessions, sessions.json().sessions, 'the sessions are the ones GET /user/sessions lists')
      t.same(
        body.sessions.map((s) => [s.id, s.current]),
        [[sessionIdOf(alice.access_token), true]],
      )
      t.same(
        body.recent_events.map((e) => e.type),
        ['profile_updated', 'login_succeeded', 'signup'],
      )
      t.same(Object.keys(body.recent_events[0] ?? {}).sort(), ['actor', 'at', 'id', 'ip', 'type', 'user_agent'], 'no detail')
      t.equal(body.recent_events[0]?.actor, null, 'no actor named when the user did it themselves')
      t.match(body.recent_events[0], { type: 'profile_updated', user_agent: 'dash-test/1.0', at: /^\d{4}-\d{2}-\d{2}T.*Z$/ })
      const bobs = await dashboard(bob.access_token)
      t.same(
        bobs.recent_events.map((e) => e.type),
        ['login_succeeded', 'signup'],
        "bob sees none of alice's events",
      )
      t.notOk(bobs.sessions.some((s) => s.id === sessionIdOf(alice.access_token)))
    })

    t.test('at most the last 20 events', async (t) => {
      const base = Date.now() + 60_000
      const rows = Array.from({ length: 25 }, (_, i) => ({
        id: newId(),
        at: base + i * 1000,
        type: `test_event_${i}`,
        user_id: alice.user.id,
        actor_id: alice.user.id,
        ip: '192.0.2.1',
        user_agent: null,
        detail: '{"secret":"not shown"}',
      }))
      await db.insertInto('audit_events').values(rows).execute()
      const body = await dashboard(alice.access_token)
      t.equal(body.recent_events.length, 20)
      t.same(
        body.recent_events.map((e) => e.type),
        Array.from({ length: 20 }, (_, i) => `test_event_${24 - i}`),
      )
      t.equal(body.recent_events[0]?.at, new Date(base + 24_000).toISOString())
      t.equal(body.recent_events[0]?.ip, '192.0.2.1')
      t.notMatch(JSON.stringify(body), /not shown/)
    })
  })
}
