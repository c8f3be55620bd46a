// POST /admin/users/:id/revoke-sessions: auth ends every session of the user; the audit log records the admin who asked.
import t from 'tap'
import { STRONG_PASSWORD } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { injectAs, refreshOverHttp, startTestAdmin } from '../helpers/admin-app.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`POST /admin/users/:id/revoke-sessions on ${kind}`, async (t) => {
    const { app, auth, db, root } = await startTestAdmin(t, kind)
    const adminEvents = (userId: string) =>
      db
        .selectFrom('audit_events')
        .select(['actor_id', 'detail'])
        .where('type', '=', 'sessions_revoked')
        .where('actor_id', '=', root.user.id)
        .where('user_id', '=', userId)
        .execute()

    t.test('204; every session of the user ends, nobody else is touched, and the admin is in the audit log', async (t) => {
      const target = await auth.userSession('target')
      const again = await auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'target', password: STRONG_PASSWORD } })
      const second = again.json<{ refresh_token: string }>()
      const bystander = await auth.userSession('bystander')

      const res = await injectAs(app, root.access_token, { method: 'POST', url: `/admin/users/${target.user.id}/revoke-sessions` })
      t.equal(res.statusCode, 204)
      t.equal(res.body, '')
      for (const token of [target.refresh_token, second.refresh_token]) {
        const refreshed = await refreshOverHttp(auth, token)
        t.equal(refreshed.status, 401)
        t.equal(refreshed.body.code, 'session_revoked')
      }
      t.equal((await refreshOverHttp(auth, bystander.refresh_token)).status, 200, 'the bystander is still signed in')
      t.same(await adminEvents(target.user.id), [{ actor_id: root.user.id, detail: JSON.stringify({ sessions: 2 }) }])
      const voided = await db.selectFrom('token_revocations').select('kind').where('subject', '=', target.user.id).execute()
      t.same(voided, [{ kind: 'user' }], 'and their access tokens are void at the gateway')
    })

    t.test('a user with no live session: 204, and the audit log says none were', async (t) => {
      const idle = await auth.userSession('idle')
      await auth.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: idle.refresh_token } })
      const res = await injectAs(app, root.access_token, { method: 'POST', url: `/admin/users/${idle.user.id}/revoke-sessions` })
      t.equal(res.statusCode, 204)
      t.same(await adminEvents(idle.user.id), [{ actor_id: root.user.id, detail: JSON.stringify({ sessions: 0 }) }])
    })

    t.test('an unknown user: 404, and nothing recorded', async (t) => {
      const id = '01900000-0000-7000-8000-000000000001'
      const res = await injectAs(app, root.access_token, { method: 'POST', url: `/admin/users/${id}/revoke-sessions` })
      t.equal(res.statusCode, 404)
      t.equal(res.json().code, 'not_found')
      t.same(await adminEvents(id), [])
      const bad = await injectAs(app, root.access_token, { method: 'POST', url: '/admin/users/not%20an%20id/revoke-sessions' })
      t.equal(bad.statusCode, 422)
    })

    t.test("one action, one audit event: the admin's, written with the revocations in one transaction", async (t) => {
      const target = await auth.userSession('once-only')
      const res = await injectAs(app, root.access_token, { method: 'POST', url: `/admin/users/${target.user.id}/revoke-sessions` })
      t.equal(res.statusCode, 204)
      const events = await db
        .selectFrom('audit_events')
        .select(['type', 'actor_id'])
        .where('user_id', '=', target.user.id)
        .where('type', '=', 'sessions_revoked')
        .execute()
      t.same(events, [{ type: 'sessions_revoked', actor_id: root.user.id }], 'one row, naming the admin')
      t.equal((await refreshOverHttp(auth, target.refresh_token)).status, 401)
    })
  })
}
