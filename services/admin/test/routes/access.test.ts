// Who may call the admin routes: an admin token whose holder the database still knows as an active admin, and nobody else.
import t from 'tap'
import type { InjectOptions } from 'fastify'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { injectAs, startTestAdmin } from '../helpers/admin-app.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`admin access on ${kind}`, async (t) => {
    const { app, auth, db, root } = await startTestAdmin(t, kind)
    const target = await auth.userSession('target')
    const routes: InjectOptions[] = [
      { method: 'GET', url: '/admin/dashboard' },
      { method: 'GET', url: '/admin/get-all-users' },
      { method: 'PATCH', url: `/admin/users/${target.user.id}`, payload: { role: 'user' } },
      { method: 'POST', url: `/admin/users/${target.user.id}/revoke-sessions` },
      { method: 'GET', url: '/admin/audit-events' },
    ]
    const name = (route: InjectOptions) => `${route.method} ${route.url}`

    t.test('an active admin gets through every route', async (t) => {
      for (const route of routes) {
        const res = await injectAs(app, root.access_token, route)
        t.ok([200, 204].includes(res.statusCode), `${name(route)} answers ${res.statusCode}`)
      }
    })

    t.test('no token: 401 with WWW-Authenticate: Bearer', async (t) => {
      for (const route of routes) {
        const res = await app.inject(route)
        t.equal(res.statusCode, 401, name(route))
        t.equal(res.headers['www-authenticate'], 'Bearer', name(route))
        t.match(res.headers['content-type'], /application\/problem\+json/, name(route))
        t.equal(res.json().code, 'unauthenticated', name(route))
      }
    })

    t.test('a token that is not one of auth: 401 invalid_token', async (t) => {
      for (const route of routes) {
        const res = await injectAs(app, 'eyJhbGciOiJFZERTQSIsImtpZCI6Im5vcGUifQ.eyJzdWIiOiJ4In0.c2ln', route)
        t.equal(res.statusCode, 401, name(route))
        t.equal(res.json().code, 'invalid_token', name(route))
        t.match(res.headers['www-authenticate'], /^Bearer error="invalid_token"/, name(route))
      }
    })

    t.test('a user token: 403 forbidden', async (t) => {
      const user = await auth.userSession('plain')
      for (const route of routes) {
        const res = await injectAs(app, user.access_token, route)
        t.equal(res.statusCode, 403, name(route))
        t.equal(res.json().code, 'forbidden', name(route))
      }
    })

    t.test('the admin token of someone demoted or disabled since: 403, though the token still says admin', async (t) => {
      const demoted = await auth.userSession('demoted', 'admin')
      const disabled = await auth.userSession('disabled', 'admin')
      await db.updateTable('users').set({ role: 'user' }).where('id', '=', demoted.user.id).execute()
      await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', disabled.user.id).execute()
      for (const holder of [demoted, disabled]) {
        for (const route of routes) {
          const res = await injectAs(app, holder.access_token, route)
          t.equal(res.statusCode, 403, `${holder.user.username}: ${name(route)}`)
          t.equal(res.json().code, 'forbidden')
        }
      }
      const row = await db.selectFrom('users').select('role').where('id', '=', target.user.id).executeTakeFirstOrThrow()
      t.equal(row.role, 'user', 'the refused PATCH changed nothing')
    })

    t.test('the admin token of a signed-out session: 401 invalid_token', async (t) => {
      const leaving = await auth.userSession('leaving', 'admin')
      const logout = await auth.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: leaving.refresh_token } })
      t.equal(logout.statusCode, 204)
      const res = await injectAs(app, leaving.access_token, { method: 'GET', url: '/admin/dashboard' })
      t.equal(res.statusCode, 401)
      t.equal(res.json().code, 'invalid_token')
    })

    t.test('the OpenAPI document lists every admin route as bearer-protected', async (t) => {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
      const operations = [
        doc.paths['/admin/dashboard']?.get,
        doc.paths['/admin/get-all-users']?.get,
        doc.paths['/admin/users/{id}']?.patch,
        doc.paths['/admin/users/{id}/revoke-sessions']?.post,
        doc.paths['/admin/audit-events']?.get,
      ]
      for (const operation of operations) {
        t.match(operation, { tags: ['admin'], security: [{ bearer: [] }] })
        t.ok(operation.responses['401'] && operation.responses['403'], 'refusals are documented')
      }
    })
  })
}
