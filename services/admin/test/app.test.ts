// Building the admin app: no service client needed, and readiness that waits for auth's keys.
// The management app that the service base adds to every app.
import type {} from '@portcullis/shared/service-app'
import t from 'tap'
import { startTestAuth, TEST_ENV } from '@portcullis/testkit/auth-app'
import { loadAdminConfig } from '../src/config.ts'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { freePort } from '@portcullis/testkit/processes'
import { buildAdminApp } from '../src/app.ts'

t.test('needs no service client: the session rules are a module of its own, not a call to auth', async (t) => {
  const database = await createTestDatabase('sqlite')
  t.teardown(() => database.drop())
  const app = await buildAdminApp({ config: loadAdminConfig({ ...TEST_ENV, ...database.env }), database: database.handle })
  t.teardown(() => app.close())
  t.ok(app, 'built without SERVICE_CLIENT_ID or SERVICE_CLIENT_SECRET')
})

for (const kind of testDatabaseKinds()) {
  t.test(`readiness on ${kind}: not ready until auth publishes its keys, then ready without a restart`, async (t) => {
    const port = await freePort()
    const auth = await startTestAuth(t, kind)
    const config = loadAdminConfig({
      ...TEST_ENV,
      ...auth.database.env,
      AUTH_URL: `http://127.0.0.1:${port}`,
    })
    const app = await buildAdminApp({ config, database: auth.database.handle })
    t.teardown(() => app.close())

    t.equal((await app.management.inject({ method: 'GET', url: '/healthz' })).json().service, 'admin', 'alive all along')
    const early = await app.management.inject({ method: 'GET', url: '/readyz' })
    t.equal(early.statusCode, 503)
    t.match(early.json(), { code: 'not_ready', detail: /keys/ })
    t.notMatch(early.json().detail, /database/)

    await auth.app.listen({ port, host: '127.0.0.1' })
    const ready = await app.management.inject({ method: 'GET', url: '/readyz' })
    t.equal(ready.statusCode, 200)
    t.same(ready.json(), { status: 'ready', service: 'admin', checks: { database: 'ok', keys: 'ok' } })
  })
}
