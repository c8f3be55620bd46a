import { sign } from 'node:crypto'
import t from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { type LoginResult, STRONG_PASSWORD, bearer, signupAndLogin, startTestAuth } from '@portcullis/testkit/auth-app'

const NEW_PASSWORD = 'a brand new passphrase for pia'

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function decode(segment: string | undefined): Record<string, unknown> {
  if (segment === undefined) throw new Error('not a JWT')
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>
}

/** Signs a token with the service's own current key, as the service would, but with the claims the test chooses. */
async function signWithServiceKey(db: Kysely<Database>, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const key = await db.selectFrom('signing_keys').selectAll().where('retired_at', 'is', null).executeTakeFirstOrThrow()
  if (key.alg !== 'EdDSA') throw new Error(`expected an EdDSA key, got ${key.alg}`)
  const input = `${encode({ ...header, alg: 'EdDSA', kid: key.kid })}.${encode(payload)}`
  return `${input}.${sign(null, Buffer.from(input), key.private_pem).toString('base64url')}`
}

function changePassword(app: FastifyInstance, accessToken: string | null, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/auth/password', payload: body, headers: accessToken === null ? {} : bearer(accessToken) })
}

function login(app: FastifyInstance, username: string, password: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
}

function refresh(app: FastifyInstance, refreshToken: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshToken } })
}

for (const kind of testDatabaseKinds()) {
  t.test(`password change on ${kind}`, async (t) => {
    const { app, database } = await startTestAuth(t, kind)
    const db = database.handle.db

    t.test('204; the new password works, the old one does not, and only the other sessions end', async (t) => {
      const current = await signupAndLogin(app, 'pia')
      const otherLogin = await login(app, 'pia', STRONG_PASSWORD)
      t.equal(otherLogin.statusCode, 200)
      const other = otherLogin.json<LoginResult>()
      const before = await db.selectFrom('users').select(['password_hash', 'password_changed_at']).where('id', '=', current.user.id).executeTakeFirstOrThrow()

      const res = await changePassword(app, current.access_token, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD })
      t.equal(res.statusCode, 204)
      t.equal(res.body, '')

      const old = await login(app, 'pia', STRONG_PASSWORD)
      t.equal(old.statusCode, 401, 'the old password is refused')
      t.equal(old.json().code, 'invalid_credentials')
      const fresh = await login(app, 'pia', NEW_PASSWORD)
      t.equal(fresh.statusCode, 200, 'the new password is accepted')

      const otherRefresh = await refresh(app, other.refresh_token)
      t.equal(otherRefresh.statusCode, 401, "the other session's refresh token is refused")
      t.equal(otherRefresh.json().code, 'session_revoked')
      const currentRefresh = await refresh(app, current.refresh_token)
      t.equal(currentRefresh.statusCode, 200, "the current session's refresh token still works")

      const after = await db.selectFrom('users').select(['password_hash', 'password_changed_at']).where('id', '=', current.user.id).executeTakeFirstOrThrow()
      t.not(after.password_hash, before.password_hash)
      t.match(after.password_hash, /^\$argon2id\$/)
      t.notMatch(after.password_hash, new RegExp(NEW_PASSWORD), 'the password is not stored as such')
      const otherSid = decode(other.access_token.split('.')[1]).sid
      const revocation = await db.selectFrom('token_revocations').select('kind').where('subject', '=', String(otherSid)).execute()
      t.same(
        revocation.map((r) => r.kind),
        ['session'],
        'the other session enters the revocation feed',
      )
      const audit = await db
        .selectFrom('audit_events')
        .select(['type', 'detail'])
        .where('user_id', '=', current.user.id)
        .where('type', '=', 'password_changed')
        .execute()
      t.equal(audit.length, 1, 'the change is audited')
      t.match(JSON.parse(audit[0]?.detail ?? '{}'), { other_sessions_revoked: 1 })
      t.notMatch(audit[0]?.detail ?? '', /passphrase|horse/, 'with no password in it')
    })

    t.test('a wrong current_password is 422 naming current_password, and changes nothing', async (t) => {
      const session = await signupAndLogin(app, 'quinn')
      const res = await changePassword(app, session.access_token, { current_password: 'not my password at all', new_password: NEW_PASSWORD })
      t.equal(res.statusCode, 422)
      t.equal(res.json().code, 'validation_failed')
      t.match(res.json().errors, [{ field: 'current_password' }])
      t.equal(res.json().errors.length, 1)
      t.equal((await login(app, 'quinn', STRONG_PASSWORD)).statusCode, 200, 'the password is unchanged')
      t.equal((await login(app, 'quinn', NEW_PASSWORD)).statusCode, 401, 'the new one was not set')
    })

    t.test('a weak new_password is 422 naming new_password', async (t) => {
      const session = await signupAndLogin(app, 'rorymoore')
      for (const [password, message] of [
        ['short', /^New password must be at least 8 characters long\.$/],
        ['password123', /too common/],
        ['qwertyuiop', /sequence/],
        ['RoryMoore', /built from your username/],
        ['rorymoore1234', /built from your username/],
        ['zzzzzzzzzz', /repeat/],
        [STRONG_PASSWORD, /differ/],
      ] as const) {
        const res = await changePassword(app, session.access_token, { current_password: STRONG_PASSWORD, new_password: password })
        t.equal(res.statusCode, 422, password)
        t.equal(res.json().code, 'validation_failed', password)
        t.ok(
          res.json().errors.every((e: { field: string }) => e.field === 'new_password'),
          `${password}: every error names new_password`,
        )
        const messages = (res.json().errors as Array<{ message: string }>).map((e) => e.message)
        t.ok(
          messages.some((text) => message.test(text)),
          `${password}: ${messages.join(' ')}`,
        )
      }
      t.equal((await login(app, 'rorymoore', STRONG_PASSWORD)).statusCode, 200, 'the password is unchanged')
      t.equal((await refresh(app, session.refresh_token)).statusCode, 200, 'the session lives on')
    })

    t.test('bad bodies are 4xx, never 5xx', async (t) => {
      const session = await signupAndLogin(app, 'sage')
      for (const [name, payload, status] of [
        ['missing new_password', { current_password: STRONG_PASSWORD }, 422],
        ['unknown field', { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD, user_id: 'x' }, 422],
        ['wrong types', { current_password: 1, new_password: [NEW_PASSWORD] }, 422],
        ['NUL in new_password', { current_password: STRONG_PASSWORD, new_password: `${NEW_PASSWORD}\u0000` }, 422],
        ['too long new_password', { current_password: STRONG_PASSWORD, new_password: 'x'.repeat(1025) }, 422],
      ] as const) {
        const res = await changePassword(app, session.access_token, payload)
        t.equal(res.statusCode, status, name)
        t.equal(res.json().code, 'validation_failed', name)
      }
      t.equal((await login(app, 'sage', STRONG_PASSWORD)).statusCode, 200, 'the password is unchanged')
    })

    t.test('no access token is 401 with WWW-Authenticate', async (t) => {
      const session = await signupAndLogin(app, 'tess')
      const none = await changePassword(app, null, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD })
      t.equal(none.statusCode, 401)
      t.equal(none.json().code, 'unauthenticated')
      t.match(none.headers['www-authenticate'], /^Bearer/)
      const refreshAsAccess = await changePassword(app, session.refresh_token, { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD })
      t.equal(refreshAsAccess.statusCode, 401, 'a refresh token is not an access token')
      t.equal((await login(app, 'tess', STRONG_PASSWORD)).statusCode, 200, 'the password is unchanged')
    })

    t.test('tampered, unsigned and expired access tokens are refused', async (t) => {
      const session = await signupAndLogin(app, 'uma')
      const [header, payload, signature] = session.access_token.split('.')
      const claims = decode(payload)
      const body = { current_password: STRONG_PASSWORD, new_password: NEW_PASSWORD }

      const tampered = `${header}.${encode({ ...claims, role: 'admin' })}.${signature}`
      const res1 = await changePassword(app, tampered, body)
      t.equal(res1.statusCode, 401, 'a tampered payload')
      t.equal(res1.json().code, 'invalid_token')
      t.match(res1.headers['www-authenticate'], /error="invalid_token"/)

      const otherUser = await signupAndLogin(app, 'vera')
      const swapped = `${header}.${otherUser.access_token.split('.')[1]}.${signature}`
      const res2 = await changePassword(app, swapped, body)
      t.equal(res2.statusCode, 401, "another token's payload under this signature")
      t.equal(res2.json().code, 'invalid_token')

      const unsigned = `${encode({ alg: 'none', typ: 'JWT', kid: decode(header).kid })}.${payload}.`
      const res3 = await changePassword(app, unsigned, body)
      t.equal(res3.statusCode, 401, 'alg none')
      t.equal(res3.json().code, 'invalid_token')

      const unknownKid = `${encode({ ...decode(header), kid: 'no-such-key' })}.${payload}.${signature}`
      const res4 = await changePassword(app, unknownKid, body)
      t.equal(res4.statusCode, 401, 'an unknown kid')
      t.equal(res4.json().code, 'invalid_token')

      const nowSeconds = Math.floor(Date.now() / 1000)
      const valid = await signWithServiceKey(db, { typ: 'JWT' }, { ...claims, iat: nowSeconds, exp: nowSeconds + 300 })
      const control = await changePassword(app, valid, { current_password: 'not my password at all', new_password: NEW_PASSWORD })
      t.equal(control.statusCode, 422, 'a token made the same way but unexpired gets past authentication')

      const expired = await signWithServiceKey(db, { typ: 'JWT' }, { ...claims, iat: nowSeconds - 700, exp: nowSeconds - 100 })
      const res5 = await changePassword(app, expired, body)
      t.equal(res5.statusCode, 401, 'an expired token')
      t.equal(res5.json().code, 'token_expired')
      t.match(res5.headers['www-authenticate'], /error="invalid_token"/)

      const wrongAudience = await signWithServiceKey(db, { typ: 'JWT' }, { ...claims, aud: 'someone-else', iat: nowSeconds, exp: nowSeconds + 300 })
      const res6 = await changePassword(app, wrongAudience, body)
      t.equal(res6.statusCode, 401, 'a token for another audience')
      t.equal(res6.json().code, 'invalid_token')

      t.equal((await login(app, 'uma', STRONG_PASSWORD)).statusCode, 200, 'none of them changed the password')
    })
  })
}
