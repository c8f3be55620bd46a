// The management app that the service base adds to every app.
import type {} from '@portcullis/shared/service-app'
import { createServer } from 'node:http'
import t from 'tap'
import { TEST_ENV } from '@portcullis/testkit/auth-app'
import { startTestAuthServer } from '@portcullis/testkit/auth-server'
import { loadUserConfig } from '../src/config.ts'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { freePort } from '@portcullis/testkit/processes'
import { buildUserApp } from '../src/app.ts'
import { bearer } from './helpers/user-app.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`building the user app on ${kind}`, async (t) => {
    const auth = await startTestAuthServer(t, kind)
    const env = { ...TEST_ENV, ...auth.database.env, AUTH_URL: auth.url }
    const database = auth.database.handle

    t.test('needs no service client: the session rules are a module of its own, not a call to auth', async (t) => {
      const app = await buildUserApp({ config: loadUserConfig({ ...env, SERVICE_CLIENT_ID: '', SERVICE_CLIENT_SECRET: '' }), database })
      t.teardown(() => app.close())
      t.ok(app, 'built without SERVICE_CLIENT_ID or SERVICE_CLIENT_SECRET')
    })

    t.test('ready when the database answers and auth keys are loaded', async (t) => {
      const app = await buildUserApp({ config: loadUserConfig(env), database })
      t.teardown(() => app.close())
      const ready = await app.management.inject({ method: 'GET', url: '/readyz' })
      t.equal(ready.statusCode, 200)
      t.same(ready.json(), { status: 'ready', service: 'user', checks: { database: 'ok', keys: 'ok' } })
      t.match((await app.management.inject({ method: 'GET', url: '/healthz' })).json(), { status: 'ok', service: 'user' })
      t.match((await app.management.inject({ method: 'GET', url: '/metrics' })).body, /process_resident_memory_bytes/)
    })

    t.test('starts while auth is unreachable, unready until its keys can be fetched, then ready and serving', async (t) => {
      const port = await freePort()
      const app = await buildUserApp({ config: loadUserConfig({ ...env, JWKS_URL: `http://127.0.0.1:${port}/jwks.json` }), database })
      t.teardown(() => app.close())
      const unready = await app.management.inject({ method: 'GET', url: '/readyz' })
      t.equal(unready.statusCode, 503)
      t.match(unready.json(), { code: 'not_ready', detail: /keys/ })
      t.notMatch(unready.json().detail, /database/)

      const jwks = await (await fetch(`${auth.url}/auth/.well-known/jwks.json`)).text()
      const late = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end(jwks))
      await new Promise<void>((resolve) => late.listen(port, '127.0.0.1', resolve))
      t.teardown(() => new Promise((resolve) => late.close(resolve)))
      const ready = await app.management.inject({ method: 'GET', url: '/readyz' })
      t.equal(ready.statusCode, 200)
      const alice = await auth.userSession('alice')
      const profile = await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(alice.access_token) })
      t.equal(profile.statusCode, 200)
    })

    t.test('every answer carries a request id and security headers', async (t) => {
      const app = await buildUserApp({ config: loadUserConfig(env), database })
      t.teardown(() => app.close())
      const res = await app.inject({ method: 'GET', url: '/user/nope', headers: { 'x-request-id': 'trace-42' } })
      t.equal(res.statusCode, 404)
      t.equal(res.headers['x-request-id'], 'trace-42')
      t.equal(res.headers['x-content-type-options'], 'nosniff')
      t.match(res.json(), { code: 'not_found', request_id: 'trace-42' })
    })
  })
}
