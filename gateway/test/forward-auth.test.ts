// GET /auth/forward-auth with auth, user, admin and the gateway as real processes: signed in (Bearer or the cookie of a
// cookie-mode login) → 200 with the identity headers, whose token verifies against the JWKS for the audience asked; signed
// out → 401, or with redirect=1 a page load → 302 to the login page with the original URI when it is a path of this
// origin; a wrong role → 403; a cross-site change on the cookie → 403; bad parameters → validation_failed; HEAD; never in
// the login limit's bucket; signing out refuses within 5 s.
import http from 'node:http'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { startTestStack } from '@portcullis/testkit/stack'

const PASSWORD = 'correct horse battery staple'
const FORWARD_AUTH = '/auth/forward-auth'

interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

/**
 * A request with exactly these headers, as a front proxy sends it (fetch would set Sec-Fetch-Mode itself), redirects not
 * followed, bounded in time.
 */
function send(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }))
    })
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} in 10 s`)))
    request.on('error', reject)
    request.end()
  })
}

const code = (answer: Answer) => (JSON.parse(answer.body) as { code: string }).code

for (const kind of testDatabaseKinds()) {
  t.test(`forward auth on ${kind}`, async (t) => {
    const stack = await startTestStack(t, kind)
    const db = stack.database.handle.db
    const check = (query = '', headers: Record<string, string> = {}, method = 'GET') => send(`${stack.url}${FORWARD_AUTH}${query}`, headers, method)
    const post = (route: string, body: unknown) =>
      fetch(`${stack.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    async function signIn(username: string, role: 'user' | 'admin' = 'user') {
      t.equal((await post('/auth/signup', { username, password: PASSWORD })).status, 201)
      if (role === 'admin') await db.updateTable('users').set({ role }).where('username', '=', username).execute()
      const login = await post('/auth/login', { username, password: PASSWORD })
      return (await login.json()) as { access_token: string; refresh_token: string; user: { id: string } }
    }
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
    const navigation = { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', accept: 'text/html' }

    const user = await signIn('fern')
    const admin = await signIn('arden', 'admin')
    const cookieLogin = await post('/auth/login', { username: 'fern', password: PASSWORD, session: 'cookie' })
    t.equal(cookieLogin.status, 200)
    const accessCookie = cookieLogin.headers.getSetCookie().find((cookie) => cookie.startsWith('portcullis_access='))
    t.ok(accessCookie, 'a cookie-mode login sets portcullis_access')
    const cookie = { cookie: `theme=dark; ${accessCookie?.split(';')[0]}` }

    t.test('signed in: 200, no body, not cached, the identity headers and a token for the audience', async (t) => {
      const answer = await check('', { ...bearer(user.access_token), 'x-portcullis-user-id': 'forged' })
      t.equal(answer.status, 200, 'answered by the gateway, not passed on to auth')
      t.equal(answer.body, '')
      t.equal(answer.headers['cache-control'], 'no-store')
      t.equal(answer.headers['x-portcullis-user-id'], user.user.id, 'the verified user, whatever the request claimed')
      t.equal(answer.headers['x-portcullis-username'], 'fern')
      t.equal(answer.headers['x-portcullis-role'], 'user')
      t.ok(answer.headers['x-portcullis-session-id'])
      const jwks = createRemoteJWKSet(new URL(`${stack.url}/auth/.well-known/jwks.json`))
      const identity = String(answer.headers['x-portcullis-identity'])
      const { payload } = await jwtVerify(identity, jwks, { audience: 'forward-auth', issuer: 'portcullis' })
      t.equal(payload.sub, user.user.id)
      t.equal(payload.sid, answer.headers['x-portcullis-session-id'])
      t.equal(payload.token_use, 'identity')
      t.ok((payload.exp ?? 0) - (payload.iat ?? 0) <= 60, 'short-lived')

      const named = await check('?access=user&app=hello', bearer(user.access_token))
      t.equal(named.status, 200)
      await jwtVerify(String(named.headers['x-portcullis-identity']), jwks, { audience: 'hello', issuer: 'portcullis' })
      await t.rejects(jwtVerify(String(named.headers['x-portcullis-identity']), jwks, { audience: 'forward-auth' }), 'for that app alone')

      const head = await check('', bearer(user.access_token), 'HEAD')
      t.equal(head.status, 200, 'HEAD too')
      t.equal(head.headers['x-portcullis-username'], 'fern')

      const byCookie = await check('', cookie)
      t.equal(byCookie.status, 200, 'the cookie of a cookie-mode login')
      t.equal(byCookie.headers['x-portcullis-username'], 'fern')
    })

    t.test('signed out: 401 with WWW-Authenticate, and a page load with redirect=1 goes to the login page', async (t) => {
      const none = await check()
      t.equal(none.status, 401)
      t.equal(code(none), 'unauthenticated')
      t.equal(none.headers['www-authenticate'], 'Bearer')
      t.equal(none.headers['cache-control'], 'no-store')
      t.notOk(none.headers['x-portcullis-user-id'])
      const bad = await check('', bearer('not.a.token'))
      t.equal(bad.status, 401)
      t.equal(code(bad), 'invalid_token')
      t.match(bad.headers['www-authenticate'], /^Bearer/)
      t.equal((await check('', { cookie: 'portcullis_access=not.a.token' })).status, 401, 'a cookie that does not verify')

      t.equal((await check('', { ...navigation, 'x-original-uri': '/app/page' })).status, 401, 'without redirect=1, a page load too (Nginx)')
      const page = await check('?redirect=1', { ...navigation, 'x-original-uri': '/app/page?tab=2&x=1' })
      t.equal(page.status, 302)
      t.equal(page.headers.location, `/login?next=${encodeURIComponent('/app/page?tab=2&x=1')}`)
      t.equal(page.headers['cache-control'], 'no-store')
      const traefik = await check('?redirect=1', { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/app/', accept: 'text/html,*/*' })
      t.equal(traefik.status, 302, 'no Sec-Fetch-Mode: a GET for text/html')
      t.equal(traefik.headers.location, `/login?next=${encodeURIComponent('/app/')}`, 'X-Forwarded-Uri when no X-Original-URI')
      const expired = await check('?redirect=1', { ...navigation, cookie: 'portcullis_access=not.a.token', 'x-original-uri': '/app/' })
      t.equal(expired.status, 302, 'a cookie that no longer verifies: to the login page too')
      for (const hostile of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', '/a b', 'app']) {
        const answer = await check('?redirect=1', { ...navigation, 'x-original-uri': hostile })
        t.equal(answer.headers.location, '/login', `${JSON.stringify(hostile)}: not a path of this origin, so no next`)
      }
      t.equal((await check('?redirect=1', navigation)).headers.location, '/login', 'no original URI')
      const script = await check('?redirect=1', { 'sec-fetch-mode': 'cors', accept: 'text/html', 'x-original-uri': '/app/' })
      t.equal(script.status, 401, "a script's fetch is answered 401")
      const change = await check('?redirect=1', { ...navigation, 'x-original-method': 'POST', 'x-original-uri': '/app/' })
      t.equal(change.status, 401, 'a POST is not a page load')
    })

    t.test('roles', async (t) => {
      const refused = await check('?access=admin', bearer(user.access_token))
      t.equal(refused.status, 403)
      t.equal(code(refused), 'forbidden')
      t.notOk(refused.headers['x-portcullis-user-id'])
      t.equal((await check('?access=admin&redirect=1', { ...bearer(user.access_token), ...navigation })).status, 403, 'signed in: no login page')
      const allowed = await check('?access=admin', bearer(admin.access_token))
      t.equal(allowed.status, 200)
      t.equal(allowed.headers['x-portcullis-role'], 'admin')
      t.equal((await check('?access=user', bearer(admin.access_token))).status, 200, 'an admin is a user too')
    })

    t.test('parameters', async (t) => {
      const role = await check('?access=owner', bearer(admin.access_token))
      t.equal(role.status, 422)
      t.equal(code(role), 'validation_failed')
      t.match(JSON.parse(role.body).detail, /must be user or admin/)
      const app = await check('?app=Not_An_App', bearer(user.access_token))
      t.equal(code(app), 'validation_failed')
      t.match(JSON.parse(app.body).detail, /must be an app name/)
      t.equal(code(await check('?redirect=yes')), 'validation_failed')
      const misspelt = await check('?acess=admin', bearer(user.access_token))
      t.equal(code(misspelt), 'validation_failed', 'a misspelt parameter does not quietly mean the default')
    })

    t.test('the cookie and a change from another site', async (t) => {
      const crossSite = await check('', { ...cookie, 'x-original-method': 'POST', 'sec-fetch-site': 'cross-site' })
      t.equal(crossSite.status, 403)
      t.equal(code(crossSite), 'cross_site_request')
      t.equal(code(await check('', { ...cookie, 'x-forwarded-method': 'DELETE' })), 'cross_site_request', 'no Sec-Fetch-Site, no Origin')
      t.equal((await check('', { ...cookie, 'x-original-method': 'POST', origin: 'https://evil.example' })).status, 403)
      t.equal(
        code(await check('', { ...cookie, 'x-original-method': 'GET', 'x-forwarded-method': 'POST', 'sec-fetch-site': 'cross-site' })),
        'cross_site_request',
        'a second claim of the method cannot make a change look safe',
      )
      t.equal((await check('', { ...cookie, 'x-original-method': 'POST', 'sec-fetch-site': 'same-origin' })).status, 200)
      const host = new URL(stack.url).host
      t.equal((await check('', { ...cookie, 'x-original-method': 'PUT', origin: `http://${host}`, host })).status, 200, 'an Origin of this host')
      t.equal((await check('', { ...cookie, 'x-original-method': 'GET', 'sec-fetch-site': 'cross-site' })).status, 200, 'a link from elsewhere')
      t.equal((await check('', { ...bearer(user.access_token), 'x-original-method': 'POST' })).status, 200, 'a Bearer token needs no such check')
    })

    t.test("not in the login limit's bucket", async (t) => {
      const limited = await stack.startGateway({ LOGIN_LIMIT_PER_IP: '2', RATE_LIMIT_PER_IP: '1000' })
      const statuses = new Set<number>()
      for (let i = 0; i < 10; i++) statuses.add((await send(`${limited.url}${FORWARD_AUTH}`, bearer(user.access_token))).status)
      t.same([...statuses], [200], 'ten checks, with a login limit of 2 a minute')
    })

    t.test('revocation: signing out is refused within seconds', async (t) => {
      const other = await signIn('rowan')
      t.equal((await check('', bearer(other.access_token))).status, 200)
      t.equal((await post('/auth/logout', { refresh_token: other.refresh_token })).status, 204)
      const started = Date.now()
      let status = 200
      while (status === 200 && Date.now() - started < 6000) {
        status = (await check('', bearer(other.access_token))).status
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      t.equal(status, 401)
      t.ok(Date.now() - started < 5000, `refused ${Date.now() - started} ms after the sign-out`)
    })
  })
}
