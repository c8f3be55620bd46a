// The admin service as real processes over real HTTP: readiness, a route, a graceful stop, and two instances racing on one database.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ADMIN_MFA_OFF } from '@portcullis/testkit/admin-mfa'
import { TEST_ENV } from '@portcullis/testkit/auth-app'
import { startTestAuthServer } from '@portcullis/testkit/auth-server'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { answers, type RunningProcess, startProcess, startService } from '@portcullis/testkit/processes'

const server = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/server.ts')

async function call(process: RunningProcess, token: string, method: string, url: string, body?: unknown): Promise<Response> {
  return fetch(`${process.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}

for (const kind of testDatabaseKinds()) {
  t.test(`admin processes on ${kind}`, async (t) => {
    const auth = await startTestAuthServer(t, kind)
    const start = async () => {
      const admin = await startService(server, {
        ...TEST_ENV,
        LOG_LEVEL: 'info',
        ...auth.database.env,
        AUTH_URL: auth.url,
        // About processes, not the second-factor policy (routes/second-factor-policy.test.ts): its admins use a password alone.
        ...ADMIN_MFA_OFF,
      })
      t.teardown(() => admin.stop('SIGKILL'))
      return admin
    }
    const [first, second] = await Promise.all([start(), start()])
    const root = await auth.userSession('root', 'admin')

    t.test('ready, with the database and the keys; a route answers over HTTP', async (t) => {
      const readyz = await fetch(`${first.managementUrl}/readyz`)
      t.same(await readyz.json(), { status: 'ready', service: 'admin', checks: { database: 'ok', keys: 'ok' } })
      const res = await fetch(`${first.url}/admin/get-all-users?limit=5`, {
        headers: { authorization: `Bearer ${root.access_token}`, 'x-request-id': 'admin-trace-1' },
      })
      t.equal(res.status, 200)
      t.equal(res.headers.get('x-request-id'), 'admin-trace-1')
      t.match(await res.json(), { users: [{ username: 'root', role: 'admin' }], total: 1, next_cursor: null })
      t.match(await first.waitForOutput(/"reqId":"admin-trace-1"/), /"statusCode":200/, 'the request is in the log, with its id')
      t.notMatch(first.output(), new RegExp(root.access_token.split('.')[2] ?? 'no-token'), 'no token in the log')
      const anonymous = await fetch(`${first.url}/admin/dashboard`)
      t.equal(anonymous.status, 401)
      t.equal(anonymous.headers.get('www-authenticate'), 'Bearer')
    })

    t.test('two instances, two admins demoting each other at once: exactly one wins', async (t) => {
      for (let round = 0; round < 3; round++) {
        const a = await auth.userSession(`racer-a${round}`, 'admin')
        const b = await auth.userSession(`racer-b${round}`, 'admin')
        await auth.database.handle.db
          .updateTable('users')
          .set({ role: 'user' })
          .where('role', '=', 'admin')
          .where('id', 'not in', [a.user.id, b.user.id])
          .execute()
        const answers = await Promise.all([
          call(first, a.access_token, 'PATCH', `/admin/users/${a.user.id}`, { status: 'disabled' }),
          call(second, b.access_token, 'PATCH', `/admin/users/${b.user.id}`, { role: 'user' }),
        ])
        t.same(answers.map((r) => r.status).sort(), [200, 409], `round ${round}`)
        const admins = await auth.database.handle.db.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').execute()
        t.equal(admins.length, 1, `round ${round}: one active admin remains`)
      }
    })

    t.test('SIGTERM drains and exits 0', async (t) => {
      t.equal(await first.stop('SIGTERM'), 0)
      t.equal(await second.stop('SIGTERM'), 0)
    })
  })
}

t.test('the process starts with no service client at all', async (t) => {
  const database = await createTestDatabase('sqlite')
  t.teardown(() => database.drop())
  // No auth runs here, so it is alive (/healthz) but not ready (no keys to verify tokens with).
  const admin = await startProcess({
    name: 'admin',
    script: server,
    env: { ...TEST_ENV, ...database.env },
    isReady: (p) => answers(`${p.managementUrl}/healthz`),
  })
  t.teardown(() => admin.stop('SIGKILL'))
  t.equal((await fetch(`${admin.managementUrl}/healthz`)).status, 200)
})
