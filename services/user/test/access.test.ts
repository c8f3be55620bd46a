import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { forgedToken, signedByAuth, tamperedToken, unsignedToken } from './helpers/forged-tokens.ts'
import { bearer, startTestUserService } from './helpers/user-app.ts'

const ROUTES = [
  { method: 'GET', url: '/user/profile' },
  { method: 'PATCH', url: '/user/profile', payload: {} },
  { method: 'GET', url: '/user/sessions' },
  { method: 'DELETE', url: '/user/sessions/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' },
  { method: 'GET', url: '/user/dashboard' },
] as const

for (const kind of testDatabaseKinds()) {
  t.test(`who may call the user routes, on ${kind}`, async (t) => {
    const { app, auth, db } = await startTestUserService(t, kind)
    const alice = await auth.userSession('alice')
    const root = await auth.userSession('root', 'admin')

    t.test('no token: 401 problem+json with WWW-Authenticate: Bearer on every route', async (t) => {
      for (const route of ROUTES) {
        const res = await app.inject(route)
        t.equal(res.statusCode, 401, route.url)
        t.equal(res.headers['www-authenticate'], 'Bearer', route.url)
        t.match(res.headers['content-type'], /application\/problem\+json/, route.url)
        t.equal(res.json().code, 'unauthenticated', route.url)
      }
    })

    t.test('forged, tampered, unsigned, garbage, expired and wrong-audience tokens: 401 invalid_token', async (t) => {
      const now = Math.floor(Date.now() / 1000)
      const tokens: Record<string, string> = {
        'signed by another key': forgedToken(alice.access_token),
        'claims changed after signing': tamperedToken(alice.access_token, { sub: root.user.id, role: 'admin' }),
        'alg none': unsignedToken(alice.access_token),
        garbage: 'not.a.token',
        'a refresh token': alice.refresh_token,
        'other audience': await signedByAuth(db, alice.access_token, { aud: 'somebody-else' }),
        'other issuer': await signedByAuth(db, alice.access_token, { iss: 'evil' }),
        'a service token': await signedByAuth(db, alice.access_token, { aud: 'portcullis:internal', token_use: 'service' }),
        'unknown role': await signedByAuth(db, alice.access_token, { role: 'root' }),
        // Signed with auth's own key, but not a token auth issues: every claim is required, aud is exactly ours.
        'no exp': await signedByAuth(db, alice.access_token, { exp: undefined }),
        'no iat': await signedByAuth(db, alice.access_token, { iat: undefined }),
        'no iss': await signedByAuth(db, alice.access_token, { iss: undefined }),
        'no aud': await signedByAuth(db, alice.access_token, { aud: undefined }),
        'no sub': await signedByAuth(db, alice.access_token, { sub: undefined }),
        'no sid': await signedByAuth(db, alice.access_token, { sid: undefined }),
        'no jti': await signedByAuth(db, alice.access_token, { jti: undefined }),
        'no role': await signedByAuth(db, alice.access_token, { role: undefined }),
        'aud as a list holding ours': await signedByAuth(db, alice.access_token, { aud: ['portcullis', 'somebody-else'] }),
        'aud as a list of ours alone': await signedByAuth(db, alice.access_token, { aud: ['portcullis'] }),
        'iss as a list': await signedByAuth(db, alice.access_token, { iss: ['portcullis'] }),
        'sub a number': await signedByAuth(db, alice.access_token, { sub: 42 }),
        'issued in the future': await signedByAuth(db, alice.access_token, { iat: now + 3600, exp: now + 4200 }),
        'a lifetime of ten years': await signedByAuth(db, alice.access_token, { iat: now, exp: now + 315_360_000 }),
        'exp a string': await signedByAuth(db, alice.access_token, { exp: String(now + 600) }),
      }
      for (const [name, token] of Object.entries(tokens)) {
        for (const route of ROUTES) {
          const res = await app.inject({ ...route, headers: bearer(token) })
          t.equal(res.statusCode, 401, `${name}: ${route.method} ${route.url}`)
          t.match(res.headers['www-authenticate'], /^Bearer error="invalid_token"/, name)
          t.equal(res.json().code, 'invalid_token', name)
        }
      }
      const expired = await signedByAuth(db, alice.access_token, { iat: now - 1200, exp: now - 600 })
      const res = await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(expired) })
      t.equal(res.statusCode, 401)
      t.equal(res.json().code, 'token_expired')
      t.match(res.headers['www-authenticate'], /error="invalid_token", error_description="expired"/)
      const tampered = await app.inject({
        method: 'PATCH',
        url: '/user/profile',
        payload: { display_name: 'pwned' },
        headers: bearer(tokens['claims changed after signing'] ?? ''),
      })
      t.equal(tampered.statusCode, 401)
      const rootRow = await db.selectFrom('users').select('display_name').where('id', '=', root.user.id).executeTakeFirstOrThrow()
      t.equal(rootRow.display_name, null, 'a refused token changes nothing')
    })

    t.test('a token accepted before is refused once it expires (verified tokens are cached, never past exp)', async (t) => {
      const now = Math.floor(Date.now() / 1000)
      const shortLived = await signedByAuth(db, alice.access_token, { iat: now, exp: now + 2 })
      const first = await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(shortLived) })
      t.equal(first.statusCode, 200, 'accepted while valid')
      t.equal((await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(shortLived) })).statusCode, 200, 'and again')
      await new Promise((resolve) => setTimeout(resolve, (now + 3) * 1000 - Date.now()))
      const later = await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(shortLived) })
      t.equal(later.statusCode, 401)
      t.equal(later.json().code, 'token_expired')
    })

    t.test('an admin token is accepted: admins are users too', async (t) => {
      for (const route of ROUTES.filter((r) => r.method !== 'DELETE')) {
        const res = await app.inject({ ...route, headers: bearer(root.access_token) })
        t.equal(res.statusCode, 200, `${route.method} ${route.url}`)
      }
      const profile = await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(root.access_token) })
      t.match(profile.json(), { id: root.user.id, username: 'root', role: 'admin' })
    })

    t.test('a disabled user gets 403 account_disabled, even with a token issued before', async (t) => {
      const carol = await auth.userSession('carol')
      await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', carol.user.id).execute()
      for (const route of ROUTES) {
        const res = await app.inject({ ...route, headers: bearer(carol.access_token) })
        t.equal(res.statusCode, 403, `${route.method} ${route.url}`)
        t.equal(res.json().code, 'account_disabled')
        t.match(res.headers['content-type'], /application\/problem\+json/)
      }
    })

    t.test('a user whose row is gone gets 403 account_disabled', async (t) => {
      const dave = await auth.userSession('dave')
      await db.deleteFrom('sessions').where('user_id', '=', dave.user.id).execute()
      await db.deleteFrom('users').where('id', '=', dave.user.id).execute()
      const res = await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(dave.access_token) })
      t.equal(res.statusCode, 403)
      t.equal(res.json().code, 'account_disabled')
    })

    t.test('the token of a revoked session is refused at once, before the gateway hears of it', async (t) => {
      const erin = await auth.userSession('erin')
      t.equal(
        (await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(erin.access_token) })).statusCode,
        200,
        'accepted (and its verification cached) before the logout',
      )
      const logout = await auth.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: erin.refresh_token } })
      t.equal(logout.statusCode, 204)
      const res = await app.inject({ method: 'GET', url: '/user/profile', headers: bearer(erin.access_token) })
      t.equal(res.statusCode, 401)
      t.equal(res.json().code, 'session_revoked')
      t.match(res.headers['www-authenticate'], /^Bearer error="invalid_token"/)
    })

    t.test('the OpenAPI document shows every route, tagged user and needing a bearer token', async (t) => {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
      for (const route of ROUTES) {
        const path = route.url.startsWith('/user/sessions/') ? '/user/sessions/{id}' : route.url
        const operation = doc.paths[path]?.[route.method.toLowerCase()]
        t.ok(operation, `${route.method} ${path} is documented`)
        t.same(operation?.tags, ['user'])
        t.same(operation?.security, [{ bearer: [] }])
        t.ok(operation?.responses?.['401'], 'its 401 is documented')
      }
      t.notOk(doc.paths['/healthz'], 'health routes stay out of the document')
    })
  })
}
