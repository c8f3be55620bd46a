// Building the admin app: the service client it needs, and readiness that waits for auth's keys.
// The management app that the service base adds to every app.
import type {} from '@portcullis/shared/service-app'
import t from 'tap'
import { startTestAuth, TEST_ENV } from '@portcullis/testkit/auth-app'
import { ConfigError, loadConfig } from '@portcullis/shared/config'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { freePort } from '@portcullis/testkit/processes'
import { buildAdminApp } from '../src/app.ts'

t.test('without a service client the app refuses to build, naming the variables', async (t) => {
  const database = await createTestDatabase('sqlite')
  t.teardown(() => database.drop())
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{}, /^SERVICE_CLIENT_ID and SERVICE_CLIENT_SECRET must be set/],
    [{ SERVICE_CLIENT_ID: 'admin-service-1' }, /^SERVICE_CLIENT_SECRET must be set/],
    [{ SERVICE_CLIENT_SECRET: 's3cret' }, /^SERVICE_CLIENT_ID must be set/],
  ]
  for (const [env, message] of cases) {
    const config = loadConfig({ ...TEST_ENV, ...database.env, ...env })
    await t.rejects(buildAdminApp({ config, database: database.handle }), { constructor: ConfigError, message }, JSON.stringify(env))
  }
})

for (const kind of testDatabaseKinds()) {
  t.test(`readiness on ${kind}: not ready until auth publishes its keys, then ready without a restart`, async (t) => {
    const port = await freePort()
    const auth = await startTestAuth(t, kind)
    const config = loadConfig({
      ...TEST_ENV,
      ...auth.database.env,
      AUTH_URL: `http://127.0.0.1:${port}`,
      SERVICE_CLIENT_ID: 'admin-service-1',
      SERVICE_CLIENT_SECRET: 'not checked until a call',
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
