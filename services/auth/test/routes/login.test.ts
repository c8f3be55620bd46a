import t from 'tap'
import argon2 from 'argon2'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { STRONG_PASSWORD, signup, startTestAuth } from '@portcullis/testkit/auth-app'

function decodeSegment(segment: string | undefined): Record<string, unknown> {
  if (segment === undefined) throw new Error('the token has too few segments')
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>
}

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown>; signature: string } {
  const parts = token.split('.')
  if (parts.length !== 3) throw new Error(`a JWT has three segments, this one has ${parts.length}`)
  return { header: decodeSegment(parts[0]), payload: decodeSegment(parts[1]), signature: parts[2] ?? '' }
}

/** The m, t and p of a PHC-format argon2 hash, whatever order they are written in. */
function argon2Parameters(hash: string): Record<string, number> {
  const field = hash.split('$').find((part) => /^[mtp]=\d+(,[mtp]=\d+)*$/.test(part)) ?? ''
  return Object.fromEntries(
    field
      .split(',')
      .map((pair) => pair.split('='))
      .map(([name, value]) => [String(name), Number(value)]),
  )
}

/** Headers that may differ between two answers only because they are two different requests. */
function comparableHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const { 'x-request-id': _id, date: _date, ...rest } = headers
  return rest
}

for (const kind of testDatabaseKinds()) {
  t.test(`login on ${kind}`, async (t) => {
    const { app, database, config } = await startTestAuth(t, kind)
    const db = database.handle.db
    const created = await signup(app, 'Alice', { email: 'Alice@Example.com' })
    t.equal(created.statusCode, 201, 'alice signed up')
    const alice = created.json().user as { id: string }

    const login = (username: string, password: string, ip: string, extra: Record<string, unknown> = {}) =>
      app.inject({ method: 'POST', url: '/auth/login', payload: { username, password, ...extra }, remoteAddress: ip })

    t.test('by username, whatever the case, with the token answer and no-store', async (t) => {
      for (const username of ['alice', 'ALICE', ' Alice ']) {
        const res = await login(username, STRONG_PASSWORD, '10.0.1.1')
        t.equal(res.statusCode, 200, username)
        t.equal(res.headers['cache-control'], 'no-store', `${username}: no-store`)
        const body = res.json()
        t.same(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type', 'user'])
        t.equal(body.token_type, 'Bearer')
        t.equal(body.expires_in, config.accessTokenTtl)
        t.equal(body.expires_in, 600, 'the default lifetime is 10 minutes')
        t.match(body.refresh_token, /^[A-Za-z0-9_-]{43}$/)
        t.match(body.user, { id: alice.id, username: 'alice', email: 'alice@example.com', role: 'user', status: 'active' })
        t.type(body.user.last_login_at, 'string', 'last_login_at is set by the login')
        t.notOk('password_hash' in body.user)
      }
    })

    t.test('by email, whatever the case', async (t) => {
      for (const username of ['alice@example.com', 'ALICE@EXAMPLE.COM', 'Alice@Example.com']) {
        const res = await login(username, STRONG_PASSWORD, '10.0.2.1')
        t.equal(res.statusCode, 200, username)
        t.equal(res.json().user.id, alice.id, username)
      }
    })

    t.test('the access token is an EdDSA JWT with a kid and the documented claims', async (t) => {
      const res = await login('alice', STRONG_PASSWORD, '10.0.3.1')
      t.equal(res.statusCode, 200)
      const { access_token: token, refresh_token: refresh } = res.json()
      const { header, payload, signature } = decodeJwt(token)
      t.equal(header.alg, 'EdDSA')
      t.type(header.kid, 'string')
      t.ok(signature.length > 0, 'the token is signed')
      const jwks = (await app.inject({ method: 'GET', url: '/auth/.well-known/jwks.json' })).json()
      t.ok(
        jwks.keys.some((key: { kid: string }) => key.kid === header.kid),
        'the kid is published in the JWKS',
      )
      t.same(
        Object.keys(payload).sort(),
        ['amr', 'aud', 'auth_time', 'email_verified', 'exp', 'iat', 'iss', 'jti', 'role', 'sid', 'sub'],
        'alice has an email: email_verified',
      )
      t.same(payload.amr, ['pwd'], 'signed in with a password')
      t.type(payload.auth_time, 'number')
      t.equal(payload.email_verified, false)
      t.equal(payload.iss, config.tokenIssuer)
      t.equal(payload.aud, config.tokenAudience)
      t.equal(payload.sub, alice.id)
      t.equal(payload.role, 'user')
      t.type(payload.jti, 'string')
      t.type(payload.iat, 'number')
      t.type(payload.exp, 'number')
      t.equal(Number(payload.exp) - Number(payload.iat), config.accessTokenTtl, 'lives as long as expires_in says')
      t.ok(Math.abs(Number(payload.iat) - Date.now() / 1000) < 60, 'iat is now, in seconds')
      const session = await db.selectFrom('sessions').selectAll().where('id', '=', String(payload.sid)).executeTakeFirst()
      t.ok(session, 'sid names the new session')
      t.equal(session?.user_id, alice.id)
      t.equal(session?.mode, 'token')
      t.equal(session?.ip, '10.0.3.1')
      const second = decodeJwt((await login('alice', STRONG_PASSWORD, '10.0.3.1')).json().access_token).payload
      t.not(second.jti, payload.jti, 'every token has its own jti')
      t.not(second.sid, payload.sid, 'every login is its own session')
      t.not(refresh, undefined)
    })

    t.test('an unknown user and a wrong password answer exactly alike', async (t) => {
      const unknown = await login('nobody-here', STRONG_PASSWORD, '10.0.4.1')
      const wrong = await login('alice', 'not the right password', '10.0.4.2')
      for (const res of [unknown, wrong]) {
        t.equal(res.statusCode, 401)
        t.match(res.headers['content-type'], /application\/problem\+json/)
        t.equal(res.json().code, 'invalid_credentials')
        t.equal(res.headers['www-authenticate'], 'Bearer')
        t.notOk(res.headers['set-cookie'], 'no cookie on failure')
      }
      t.equal(unknown.json().detail, wrong.json().detail)
      t.equal(unknown.json().title, wrong.json().title)
      const { request_id: _a, ...unknownBody } = unknown.json()
      const { request_id: _b, ...wrongBody } = wrong.json()
      t.same(unknownBody, wrongBody, 'the bodies differ only in the request id')
      t.same(comparableHeaders(unknown.headers), comparableHeaders(wrong.headers), 'the headers differ only in the request id')
      const byEmail = await login('nobody@example.com', STRONG_PASSWORD, '10.0.4.3')
      t.equal(byEmail.statusCode, 401)
      t.equal(byEmail.json().detail, wrong.json().detail, 'an unknown email answers alike too')
    })

    t.test('a disabled user with the right password gets 403 account_disabled and no session', async (t) => {
      const res = await signup(app, 'dora')
      t.equal(res.statusCode, 201)
      const dora = res.json().user as { id: string }
      await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', dora.id).execute()
      const denied = await login('dora', STRONG_PASSWORD, '10.0.5.1')
      t.equal(denied.statusCode, 403)
      t.equal(denied.json().code, 'account_disabled')
      t.match(denied.headers['content-type'], /application\/problem\+json/)
      t.notOk(denied.json().access_token)
      const wrong = await login('dora', 'not the right password', '10.0.5.1')
      t.equal(wrong.statusCode, 401, 'a wrong password does not reveal that the account is disabled')
      t.equal(wrong.json().code, 'invalid_credentials')
      const sessions = await db.selectFrom('sessions').select('id').where('user_id', '=', dora.id).execute()
      t.equal(sessions.length, 0, 'no session was created')
    })

    t.test('cookie mode sets the refresh cookie and keeps the token out of the body', async (t) => {
      const res = await login('alice', STRONG_PASSWORD, '10.0.6.1', { session: 'cookie' })
      t.equal(res.statusCode, 200)
      const body = res.json()
      t.notOk('refresh_token' in body, 'no refresh_token in the body')
      t.type(body.access_token, 'string')
      t.equal(body.token_type, 'Bearer')
      t.equal(res.headers['cache-control'], 'no-store')
      const setCookie = [res.headers['set-cookie']].flat().filter((c): c is string => typeof c === 'string')
      const refreshCookie = setCookie.find((c) => c.startsWith('portcullis_refresh='))
      t.ok(refreshCookie, 'portcullis_refresh is set')
      const attributes = (refreshCookie ?? '').split(';').map((part) => part.trim())
      t.match(attributes[0], /^portcullis_refresh=[A-Za-z0-9_-]{43}$/)
      t.ok(attributes.includes('HttpOnly'), 'HttpOnly')
      t.ok(attributes.includes('Secure'), 'Secure')
      t.ok(attributes.includes('SameSite=Strict'), 'SameSite=Strict')
      t.ok(attributes.includes('Path=/auth'), 'Path=/auth')
      const cookie = res.cookies.find((c) => c.name === 'portcullis_refresh')
      t.equal(cookie?.path, '/auth')
      t.ok(Number(cookie?.maxAge) > 0, 'a lasting cookie')
      const sid = decodeJwt(body.access_token).payload.sid
      const session = await db.selectFrom('sessions').select('mode').where('id', '=', String(sid)).executeTakeFirstOrThrow()
      t.equal(session.mode, 'cookie')
      const tokenMode = await login('alice', STRONG_PASSWORD, '10.0.6.1')
      t.notOk(tokenMode.headers['set-cookie'], 'token mode sets no cookie')
    })

    t.test('an old argon2 hash is re-hashed with the configured parameters at login', async (t) => {
      const res = await signup(app, 'rehash-me')
      t.equal(res.statusCode, 201)
      const id = res.json().user.id as string
      const old = await argon2.hash(STRONG_PASSWORD, { type: argon2.argon2id, memoryCost: 2048, timeCost: 1, parallelism: 1 })
      t.same(argon2Parameters(old), { m: 2048, t: 1, p: 1 })
      await db.updateTable('users').set({ password_hash: old }).where('id', '=', id).execute()
      const before = await db.selectFrom('users').select(['password_hash', 'password_changed_at']).where('id', '=', id).executeTakeFirstOrThrow()

      const first = await login('rehash-me', STRONG_PASSWORD, '10.0.7.1')
      t.equal(first.statusCode, 200, 'the old hash still verifies')
      const after = await db.selectFrom('users').select(['password_hash', 'password_changed_at']).where('id', '=', id).executeTakeFirstOrThrow()
      t.not(after.password_hash, old, 'the stored hash changed')
      t.match(after.password_hash, /^\$argon2id\$/, 'still argon2id')
      t.same(argon2Parameters(after.password_hash), { m: 4096, t: 1, p: 1 }, 'with the configured parameters')
      t.equal(Number(after.password_changed_at), Number(before.password_changed_at), 're-hashing is not a password change')
      t.ok(await argon2.verify(after.password_hash, STRONG_PASSWORD), 'the new hash is of the same password')

      const second = await login('rehash-me', STRONG_PASSWORD, '10.0.7.1')
      t.equal(second.statusCode, 200, 'logging in again works')
      const third = await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()
      t.equal(third.password_hash, after.password_hash, 'a current hash is not re-hashed again')
      const wrong = await login('rehash-me', 'not the right password', '10.0.7.2')
      t.equal(wrong.statusCode, 401, 'and the wrong password is still refused')
    })

    t.test('audit events are written for success and failure', async (t) => {
      const res = await signup(app, 'audited')
      t.equal(res.statusCode, 201)
      const id = res.json().user.id as string
      const ok = await app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { username: 'audited', password: STRONG_PASSWORD },
        remoteAddress: '10.0.8.1',
        headers: { 'user-agent': 'audit-test/1.0' },
      })
      t.equal(ok.statusCode, 200)
      const bad = await login('audited', 'not the right password', '10.0.8.2')
      t.equal(bad.statusCode, 401)
      const events = await db.selectFrom('audit_events').selectAll().where('user_id', '=', id).orderBy('at').orderBy('id').execute()
      t.same(
        events.map((e) => e.type),
        ['signup', 'login_succeeded', 'login_failed'],
      )
      const succeeded = events.find((e) => e.type === 'login_succeeded')
      t.equal(succeeded?.ip, '10.0.8.1')
      t.equal(succeeded?.user_agent, 'audit-test/1.0')
      t.equal(succeeded?.actor_id, id)
      t.equal(JSON.parse(succeeded?.detail ?? '{}').session_id, decodeJwt(ok.json().access_token).payload.sid)
      const failed = events.find((e) => e.type === 'login_failed')
      t.equal(failed?.ip, '10.0.8.2')
      t.match(JSON.parse(failed?.detail ?? '{}'), { reason: 'wrong_password' })
      t.notMatch(failed?.detail ?? '', /not the right password/, 'the tried password is not recorded')

      const unknown = await login('ghost-user', 'whatever password', '10.0.8.3')
      t.equal(unknown.statusCode, 401)
      const ghost = await db.selectFrom('audit_events').selectAll().where('type', '=', 'login_failed').where('ip', '=', '10.0.8.3').execute()
      t.equal(ghost.length, 1, 'a failure for an unknown user is audited too')
      t.equal(ghost[0]?.user_id, null)
      t.match(JSON.parse(ghost[0]?.detail ?? '{}'), { reason: 'unknown_user' })
    })

    t.test('bad input gets a 4xx problem and never a 5xx', async (t) => {
      const cases: Array<{ name: string; payload: string; status: number; code: string }> = [
        { name: 'malformed JSON', payload: '{"username": "alice",', status: 400, code: 'malformed_body' },
        { name: 'wrong types', payload: JSON.stringify({ username: 42, password: ['x'] }), status: 422, code: 'validation_failed' },
        {
          name: 'unknown field',
          payload: JSON.stringify({ username: 'alice', password: STRONG_PASSWORD, role: 'admin' }),
          status: 422,
          code: 'validation_failed',
        },
        { name: 'missing password', payload: JSON.stringify({ username: 'alice' }), status: 422, code: 'validation_failed' },
        {
          name: 'bad session mode',
          payload: JSON.stringify({ username: 'alice', password: STRONG_PASSWORD, session: 'jar' }),
          status: 422,
          code: 'validation_failed',
        },
        { name: 'NUL in username', payload: JSON.stringify({ username: 'ali\u0000ce', password: STRONG_PASSWORD }), status: 422, code: 'validation_failed' },
        {
          name: 'NUL in password',
          payload: JSON.stringify({ username: 'alice', password: `${STRONG_PASSWORD}\u0000` }),
          status: 422,
          code: 'validation_failed',
        },
        { name: 'empty username', payload: JSON.stringify({ username: '', password: STRONG_PASSWORD }), status: 422, code: 'validation_failed' },
        { name: '2 MB body', payload: JSON.stringify({ username: 'alice', password: 'x'.repeat(2 * 1024 * 1024) }), status: 413, code: 'payload_too_large' },
        {
          name: 'SQL-looking username',
          payload: JSON.stringify({ username: "' OR 1=1 --", password: STRONG_PASSWORD }),
          status: 401,
          code: 'invalid_credentials',
        },
        {
          name: 'SQL-looking email',
          payload: JSON.stringify({ username: "x@x' OR '1'='1", password: STRONG_PASSWORD }),
          status: 401,
          code: 'invalid_credentials',
        },
        { name: 'JSON array', payload: '[]', status: 422, code: 'validation_failed' },
        { name: 'JSON null', payload: 'null', status: 422, code: 'validation_failed' },
      ]
      for (const c of cases) {
        const res = await app.inject({
          method: 'POST',
          url: '/auth/login',
          payload: c.payload,
          headers: { 'content-type': 'application/json' },
          remoteAddress: '10.0.9.1',
        })
        t.equal(res.statusCode, c.status, c.name)
        t.match(res.headers['content-type'], /application\/problem\+json/, `${c.name}: problem+json`)
        t.equal(res.json().code, c.code, c.name)
        t.notOk(res.json().access_token, `${c.name}: no token`)
        t.notMatch(res.body, /at \S+\.(ts|js):\d+|SELECT|INSERT|sqlite|mysql|syntax/i, `${c.name} leaks nothing`)
      }
      const unknownField = await app.inject({
        method: 'POST',
        url: '/auth/login',
        payload: { username: 'alice', password: STRONG_PASSWORD, role: 'admin' },
        remoteAddress: '10.0.9.1',
      })
      t.match(unknownField.json().errors, [{ field: 'role', message: '"role" is not a field this request takes.', code: 'unknown_field' }])
      const users = await db.selectFrom('users').select('id').execute()
      t.ok(users.length >= 1, 'the users table is still there')
    })
  })
}
