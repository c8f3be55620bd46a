// The user service as a real process over real HTTP, next to a real auth service.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { TEST_ENV } from '@portcullis/testkit/auth-app'
import { startTestAuthServer } from '@portcullis/testkit/auth-server'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { startService } from '@portcullis/testkit/processes'
import { sessionIdOf } from './helpers/user-app.ts'

const server = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/server.ts')

for (const kind of testDatabaseKinds()) {
  t.test(`user process on ${kind}`, async (t) => {
    const auth = await startTestAuthServer(t, kind)
    const env = { ...TEST_ENV, ...auth.database.env, AUTH_URL: auth.url }

    t.test('ready, serving over HTTP, and draining on SIGTERM', async (t) => {
      const user = await startService(server, { ...env, LOG_LEVEL: 'info' })
      t.teardown(() => user.stop('SIGKILL'))
      const readyz = await fetch(`${user.managementUrl}/readyz`)
      t.equal(readyz.status, 200)
      t.same(await readyz.json(), { status: 'ready', service: 'user', checks: { database: 'ok', keys: 'ok' } })

      const alice = await auth.userSession('alice')
      const headers = { authorization: `Bearer ${alice.access_token}`, 'x-request-id': 'user-proc-1' }
      const profile = await fetch(`${user.url}/user/profile`, { headers })
      t.equal(profile.status, 200)
      t.match(await profile.json(), { id: alice.user.id, username: 'alice' })
      t.equal(profile.headers.get('x-request-id'), 'user-proc-1')

      const second = await auth.userSession('alice2')
      const other = await fetch(`${user.url}/user/sessions/${sessionIdOf(second.access_token)}`, { method: 'DELETE', headers })
      t.equal(other.status, 404, "another user's session is not yours to end")

      const unauthenticated = await fetch(`${user.url}/user/profile`)
      t.equal(unauthenticated.status, 401)
      t.equal(unauthenticated.headers.get('www-authenticate'), 'Bearer')
      // Both requests' lines, each written once its answer has gone out.
      await user.waitForOutput(/"reqId":"user-proc-1".*"statusCode":404/)
      const lines = user
        .output()
        .split('\n')
        .filter((line) => line.includes('"reqId":"user-proc-1"'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
      t.match(
        lines,
        [
          { msg: 'request', method: 'GET', url: '/user/profile', statusCode: 200, ms: Number },
          { msg: 'request', method: 'DELETE', statusCode: 404 },
        ],
        'one line for each request, written when it is answered',
      )
      t.equal(lines.length, 2)
      t.notMatch(user.output(), /"url":"\/readyz"/, 'readiness probes are not logged')
      t.notMatch(user.output(), new RegExp(alice.access_token.split('.')[2] ?? 'no-token'), 'the token is not')

      t.equal(await user.stop('SIGTERM'), 0)
    })

    t.test('starts with no service client at all', async (t) => {
      const bare = await startService(server, env, { timeoutMs: 30_000 })
      t.teardown(() => bare.stop('SIGKILL'))
      t.equal((await fetch(`${bare.managementUrl}/readyz`)).status, 200)
    })
  })
}
