// The gateway in front of a real auth service and stand-in user/admin instances: routing, access policy, headers, failover.
// The management app that the service base adds to every app.
import type {} from '@portcullis/shared/service-app'
import { request } from 'node:http'
import t from 'tap'
import { loadGatewayConfig } from '../src/config.ts'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { bearer, TEST_ENV } from '@portcullis/testkit/auth-app'
import { startTestAuthServer } from '@portcullis/testkit/auth-server'
import { buildGatewayApp } from '../src/app.ts'
import { startEchoUpstream } from '@portcullis/testkit/echo-upstream'

for (const kind of testDatabaseKinds()) {
  t.test(`gateway on ${kind}`, async (t) => {
    const auth = await startTestAuthServer(t, kind)
    const client = await auth.serviceClient('gateway')
    const users = [await startEchoUpstream('user-1'), await startEchoUpstream('user-2')]
    const admin = await startEchoUpstream('admin-1')
    t.teardown(async () => {
      for (const upstream of [...users, admin]) await upstream.close().catch(() => {})
    })
    const config = loadGatewayConfig({
      ...TEST_ENV,
      AUTH_URL: auth.url,
      AUTH_UPSTREAMS: auth.upstream,
      USER_UPSTREAMS: users.map((u) => u.upstream).join(','),
      ADMIN_UPSTREAMS: admin.upstream,
      SERVICE_CLIENT_ID: client.clientId,
      SERVICE_CLIENT_SECRET: client.clientSecret,
      REVOCATION_POLL_MS: '200',
    })
    const gateway = await buildGatewayApp({ config })
    t.teardown(() => gateway.close())
    await gateway.ready()

    const alice = await auth.userSession('alice')
    const boss = await auth.userSession('boss', 'admin')

    t.test('public auth routes reach the auth service', async (t) => {
      const signup = await gateway.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'carol', password: 'a perfectly fine passphrase' } })
      t.equal(signup.statusCode, 201)
      t.equal(signup.json().user.username, 'carol')
      const login = await gateway.inject({ method: 'POST', url: '/auth/login', payload: { username: 'carol', password: 'a perfectly fine passphrase' } })
      t.equal(login.statusCode, 200)
      const jwks = await gateway.inject({ url: '/auth/.well-known/jwks.json' })
      t.equal(jwks.statusCode, 200)
      t.ok(jwks.json().keys.length >= 1)
      const bad = await gateway.inject({ method: 'POST', url: '/auth/login', payload: '{"username":', headers: { 'content-type': 'application/json' } })
      t.equal(bad.statusCode, 400, "the service's own problem answers pass through")
      t.match(bad.headers['content-type'], /application\/problem\+json/)
    })

    t.test('no token: 401 with WWW-Authenticate before any service is touched', async (t) => {
      const before = users.reduce((sum, u) => sum + u.hits(), 0) + admin.hits()
      for (const url of ['/user/profile', '/admin/dashboard']) {
        const res = await gateway.inject({ url })
        t.equal(res.statusCode, 401, url)
        t.match(res.headers['www-authenticate'], /^Bearer/)
        t.equal(res.json().code, 'unauthenticated')
      }
      const logoutAll = await gateway.inject({ method: 'POST', url: '/auth/logout-all' })
      t.equal(logoutAll.statusCode, 401)
      for (const url of ['/auth/mfa', '/auth/mfa/totp/setup', '/auth/mfa/recovery-codes']) {
        const res = await gateway.inject({ method: url === '/auth/mfa' ? 'GET' : 'POST', url })
        t.equal(res.statusCode, 401, `${url}: the second factors are the signed-in user's, checked at the gateway`)
      }
      t.equal(users.reduce((sum, u) => sum + u.hits(), 0) + admin.hits(), before)
    })

    t.test('a user token cannot reach admin routes: 403 at the gateway', async (t) => {
      const before = admin.hits()
      const res = await gateway.inject({
        url: '/admin/get-all-users',
        headers: { ...bearer(alice.access_token), 'x-user-role': 'admin', 'x-portcullis-role': 'admin' },
      })
      t.equal(res.statusCode, 403)
      t.equal(res.json().code, 'forbidden')
      t.equal(admin.hits(), before)
      const ok = await gateway.inject({ url: '/admin/get-all-users', headers: bearer(boss.access_token) })
      t.equal(ok.statusCode, 200)
      t.equal(ok.json().upstream, 'admin-1')
    })

    t.test('forged, tampered and alg:none tokens are refused', async (t) => {
      const [header, payload] = alice.access_token.split('.')
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())
      const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${elevated}.`
      for (const token of [`${header}.${elevated}.${alice.access_token.split('.')[2]}`, none, 'not-a-token', `${alice.access_token}x`]) {
        const res = await gateway.inject({ url: '/admin/dashboard', headers: bearer(token) })
        t.equal(res.statusCode, 401)
        t.match(res.headers['www-authenticate'], /^Bearer/)
      }
    })

    t.test('what a service receives: the request id, the real client address, and no identity a client made up', async (t) => {
      const res = await gateway.inject({
        url: '/user/profile?x=1',
        remoteAddress: '203.0.113.9',
        headers: {
          ...bearer(alice.access_token),
          'x-user-id': boss.user.id,
          'x-forwarded-for': '10.0.0.1',
          'x-portcullis-user': 'boss',
          'x-request-id': 'req-42',
        },
      })
      t.equal(res.statusCode, 200)
      const seen = res.json()
      t.equal(seen.url, '/user/profile?x=1')
      t.equal(seen.headers['x-request-id'], 'req-42')
      t.equal(res.headers['x-request-id'], 'req-42')
      t.equal(seen.headers['x-forwarded-for'], '203.0.113.9')
      t.notOk(seen.headers['x-user-id'])
      t.notOk(seen.headers['x-portcullis-user'])
      t.equal(seen.headers.authorization, `Bearer ${alice.access_token}`, 'the token itself is passed on for the service to verify')
    })

    t.test('dot segments and unrouted paths are refused', async (t) => {
      // Sent raw over a socket: an HTTP client library would resolve the dots before sending.
      const address = await gateway.listen({ port: 0, host: '127.0.0.1' })
      const before = admin.hits()
      for (const path of ['/user/../admin/dashboard', '/user/%2e%2e/admin/dashboard', '/user/.%2E/admin/dashboard']) {
        const status = await new Promise<number | undefined>((resolve, reject) => {
          const req = request(`${address}${path}`, { headers: bearer(alice.access_token) }, (res) => {
            res.resume()
            resolve(res.statusCode)
          })
          req.on('error', reject)
          req.path = path
          req.end()
        })
        t.equal(status, 400, path)
      }
      t.equal(admin.hits(), before, 'the admin service never saw them')
      for (const url of ['/internal/revocations', '/internal/oauth/token', '/somewhere']) {
        const res = await gateway.inject({ url })
        t.equal(res.statusCode, 404, url)
        t.equal(res.json().code, 'not_found')
      }
    })

    t.test("a body over the services' limit is refused at the gateway with 413, and no instance is marked down for it", async (t) => {
      const before = users.reduce((sum, u) => sum + u.hits(), 0)
      const huge = JSON.stringify({ display_name: 'a'.repeat(config.bodyLimit) })
      const res = await gateway.inject({
        method: 'PATCH',
        url: '/user/profile',
        payload: huge,
        headers: { ...bearer(alice.access_token), 'content-type': 'application/json' },
      })
      t.equal(res.statusCode, 413)
      t.match(res.headers['content-type'], /application\/problem\+json/)
      t.equal(res.json().code, 'payload_too_large')
      t.equal(
        users.reduce((sum, u) => sum + u.hits(), 0),
        before,
        'no user instance saw it',
      )
      const fits = await gateway.inject({ method: 'PATCH', url: '/user/profile', payload: { display_name: 'ok' }, headers: bearer(alice.access_token) })
      t.equal(fits.statusCode, 200, 'a body within the limit still goes through')
    })

    t.test('a chunked body (no Content-Length) is held to the same limit, and one that fits arrives whole with its length', async (t) => {
      // Over a real socket: a body streamed in chunks, as a client that does not know its length sends it.
      const sendChunked = (path: string, method: string, chunks: string[]) =>
        new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
          const req = request(
            `${gateway.listeningOrigin}${path}`,
            { method, headers: { ...bearer(alice.access_token), 'content-type': 'application/json' } },
            (res) => {
              let body = ''
              res.setEncoding('utf8')
              res.on('data', (chunk: string) => {
                body += chunk
              })
              res.on('end', () => resolve({ status: res.statusCode, body }))
            },
          )
          req.on('error', reject)
          for (const chunk of chunks) req.write(chunk)
          req.end()
        })
      const before = users.reduce((sum, u) => sum + u.hits(), 0)
      const piece = 'a'.repeat(4096)
      const over = await sendChunked('/user/profile', 'PATCH', ['{"display_name":"', ...Array(Math.ceil(config.bodyLimit / 4096) + 1).fill(piece), '"}'])
      t.equal(over.status, 413)
      t.equal(JSON.parse(over.body).code, 'payload_too_large')
      t.equal(
        users.reduce((sum, u) => sum + u.hits(), 0),
        before,
        'no user instance saw it',
      )
      const fits = await sendChunked('/user/profile', 'PATCH', ['{"display_name":', '"chunked"}'])
      t.equal(fits.status, 200)
      const seen = JSON.parse(fits.body)
      t.same(seen.body, { display_name: 'chunked' }, 'the service got the whole body')
      t.equal(seen.headers['content-length'], String('{"display_name":"chunked"}'.length), 'with its length')
      t.notOk(seen.headers['transfer-encoding'])
      const healthy = new Set<string>()
      for (let i = 0; i < 4; i++) healthy.add((await gateway.inject({ url: '/user/profile', headers: bearer(alice.access_token) })).json().upstream)
      t.same([...healthy].sort(), ['user-1', 'user-2'], 'both instances are still in the rotation')
    })

    t.test('an instance that starts draining (Connection: close) gets no new request until its probe says ready again', async (t) => {
      const first = await gateway.inject({ url: '/user/profile', headers: { ...bearer(alice.access_token), 'x-echo-connection': 'close' } })
      t.equal(first.statusCode, 200, 'the answer it was sending still arrives')
      const draining = users.find((u) => u.draining())
      const other = users.find((u) => !u.draining())
      if (!draining || !other) throw new Error('one echo instance should be draining')
      const before = draining.hits()
      for (let i = 0; i < 6; i++)
        t.equal(
          (await gateway.inject({ url: '/user/profile', headers: bearer(alice.access_token) })).json().upstream,
          other.url === users[0]?.url ? 'user-1' : 'user-2',
        )
      t.equal(draining.hits(), before, 'the draining instance got none of the next requests')
      draining.undrain()
      await new Promise((resolve) => setTimeout(resolve, 1500))
      const after = new Set<string>()
      for (let i = 0; i < 6; i++) after.add((await gateway.inject({ url: '/user/profile', headers: bearer(alice.access_token) })).json().upstream)
      t.same([...after].sort(), ['user-1', 'user-2'], 'once ready again it is back in the rotation')
    })

    t.test('requests are balanced over instances, and a dead instance is skipped with no failed GET', async (t) => {
      const before = users.map((u) => u.hits())
      for (let i = 0; i < 10; i++) {
        const res = await gateway.inject({ url: '/user/profile', headers: bearer(alice.access_token) })
        t.equal(res.statusCode, 200)
      }
      t.ok(
        users.every((u, i) => u.hits() > (before[i] ?? 0)),
        'both instances served',
      )
      await users[0]?.close()
      const statuses = []
      for (let i = 0; i < 20; i++) statuses.push((await gateway.inject({ url: '/user/profile', headers: bearer(alice.access_token) })).statusCode)
      t.same([...new Set(statuses)], [200], 'every GET succeeded after an instance died')
      const post = await gateway.inject({ method: 'POST', url: '/user/anything', headers: bearer(alice.access_token), payload: { a: 1 } })
      t.equal(post.statusCode, 200, 'a POST the dead instance never received goes to the live one')
      t.same(post.json().body, { a: 1 })
    })

    t.test('revocation reaches the gateway within 5 s', async (t) => {
      const dave = await auth.userSession('dave')
      const ok = await gateway.inject({ url: '/user/profile', headers: bearer(dave.access_token) })
      t.equal(ok.statusCode, 200)
      const logout = await gateway.inject({ method: 'POST', url: '/auth/logout', headers: bearer(dave.access_token) })
      t.equal(logout.statusCode, 204)
      const started = Date.now()
      let status = 200
      while (status === 200 && Date.now() - started < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        status = (await gateway.inject({ url: '/user/profile', headers: bearer(dave.access_token) })).statusCode
      }
      t.equal(status, 401, `refused after ${Date.now() - started} ms`)
      const fresh = await auth.userSession('erin')
      t.equal((await gateway.inject({ url: '/user/profile', headers: bearer(fresh.access_token) })).statusCode, 200, 'other users are untouched')
    })

    t.test('a user-wide revocation voids older tokens but not newer ones', async (t) => {
      const frank = await auth.userSession('frank')
      const logoutAll = await gateway.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(frank.access_token) })
      t.equal(logoutAll.statusCode, 204)
      const login = await gateway.inject({ method: 'POST', url: '/auth/login', payload: { username: 'frank', password: 'correct horse battery staple' } })
      t.equal(login.statusCode, 200)
      await new Promise((resolve) => setTimeout(resolve, 600))
      t.equal((await gateway.inject({ url: '/user/profile', headers: bearer(frank.access_token) })).statusCode, 401, 'the old token is refused')
      t.equal((await gateway.inject({ url: '/user/profile', headers: bearer(login.json().access_token) })).statusCode, 200, 'the new login works at once')
    })

    t.test('gateway health is its own', async (t) => {
      const ready = await gateway.management.inject({ url: '/readyz' })
      t.equal(ready.statusCode, 200)
      t.match(ready.json(), { service: 'gateway', checks: { keys: 'ok', revocations: 'ok' } })
      for (const url of ['/readyz', '/healthz', '/metrics']) t.equal((await gateway.inject({ url })).statusCode, 404, `${url} is not on the public port`)
    })
  })
}
