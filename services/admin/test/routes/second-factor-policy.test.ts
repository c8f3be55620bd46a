// MFA_REQUIRED_FOR_ADMINS: every admin route refuses an admin without a second factor (403 mfa_enrolment_required, in
// words), lets them in on the same token once they confirm an authenticator app through auth's own routes, trusts a token
// whose sign-in used a code without asking the database, and answers as before when the setting is off.
import t from 'tap'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { bearer, STRONG_PASSWORD } from '@portcullis/testkit/auth-app'
import type { TestAuthServer } from '@portcullis/testkit/auth-server'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { totpCodeAt } from '@portcullis/testkit/totp'
import { claimsOf, injectAs, startTestAdmin } from '../helpers/admin-app.ts'
import { insertPasskey } from '../helpers/passkey-row.ts'

const REFUSAL = 'Admins must use two-step verification: set up an authenticator app or a passkey on your profile first'

/** Turns the authenticator app on for the holder of this token, as the profile does; returns its secret. */
async function enrolTotp(auth: TestAuthServer, accessToken: string): Promise<string> {
  const setup = await auth.app.inject({ method: 'POST', url: '/auth/mfa/totp/setup', payload: {}, headers: bearer(accessToken) })
  if (setup.statusCode !== 200) throw new Error(`setup: ${setup.statusCode} ${setup.body}`)
  const { secret } = setup.json<{ secret: string }>()
  const confirm = await auth.app.inject({
    method: 'POST',
    url: '/auth/mfa/totp/confirm',
    payload: { code: totpCodeAt(secret, auth.clock.now()) },
    headers: bearer(accessToken),
  })
  if (confirm.statusCode !== 200) throw new Error(`confirm: ${confirm.statusCode} ${confirm.body}`)
  return secret
}

/** The password, then a code of the app (the next time step's: the enrolment used this one's). */
async function signInWithCode(auth: TestAuthServer, username: string, secret: string): Promise<string> {
  const login = await auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password: STRONG_PASSWORD } })
  const { mfa_token } = login.json<{ mfa_token: string }>()
  auth.clock.advance(30_000)
  const step = await auth.app.inject({ method: 'POST', url: '/auth/login/mfa', payload: { mfa_token, code: totpCodeAt(secret, auth.clock.now()) } })
  if (step.statusCode !== 200) throw new Error(`second step: ${step.statusCode} ${step.body}`)
  return step.json<{ access_token: string }>().access_token
}

for (const kind of testDatabaseKinds()) {
  t.test(`MFA_REQUIRED_FOR_ADMINS on ${kind}`, async (t) => {
    const { app, auth, db, root } = await startTestAdmin(t, kind, { mfaRequiredForAdmins: true })
    const target = await auth.userSession('target')
    const routes: InjectOptions[] = [
      { method: 'GET', url: '/admin/dashboard' },
      { method: 'GET', url: '/admin/get-all-users' },
      { method: 'PATCH', url: `/admin/users/${target.user.id}`, payload: { role: 'user' } },
      { method: 'POST', url: `/admin/users/${target.user.id}/revoke-sessions` },
      { method: 'GET', url: '/admin/audit-events' },
      { method: 'GET', url: '/admin/mail/failures' },
      { method: 'GET', url: `/admin/users/${target.user.id}/second-factor` },
    ]
    const name = (route: InjectOptions) => `${route.method} ${route.url}`
    const everyRoute = async (app: FastifyInstance, token: string) => Promise.all(routes.map((route) => injectAs(app, token, route)))

    t.test('an admin without a second factor is refused on every route, in words, and changes nothing', async (t) => {
      t.same(claimsOf(root.access_token).amr, ['pwd'], 'signed in with the password alone')
      for (const [index, res] of (await everyRoute(app, root.access_token)).entries()) {
        const route = routes[index] as InjectOptions
        t.equal(res.statusCode, 403, name(route))
        t.match(res.headers['content-type'], /application\/problem\+json/, name(route))
        t.match(res.json(), { code: 'mfa_enrolment_required', status: 403, detail: REFUSAL }, name(route))
      }
      const sessions = await db.selectFrom('sessions').select('revoked_at').where('user_id', '=', target.user.id).execute()
      t.ok(
        sessions.every((session) => session.revoked_at === null),
        'the refused revoke-sessions revoked nothing',
      )
    })

    t.test('a user, a demoted admin: still 403 forbidden, not an invitation to enrol', async (t) => {
      const plain = await auth.userSession('plainuser')
      const demoted = await auth.userSession('demoted', 'admin')
      await db.updateTable('users').set({ role: 'user' }).where('id', '=', demoted.user.id).execute()
      for (const holder of [plain, demoted]) {
        const res = await injectAs(app, holder.access_token, { method: 'GET', url: '/admin/dashboard' })
        t.equal(res.statusCode, 403, holder.user.username)
        t.equal(res.json().code, 'forbidden', holder.user.username)
      }
    })

    t.test('once the admin confirms an authenticator app, the token they already hold gets through', async (t) => {
      const late = await auth.userSession('lateenrol', 'admin')
      t.equal((await injectAs(app, late.access_token, { method: 'GET', url: '/admin/dashboard' })).statusCode, 403, 'refused before')
      const started = await auth.app.inject({ method: 'POST', url: '/auth/mfa/totp/setup', payload: {}, headers: bearer(late.access_token) })
      t.equal(started.statusCode, 200)
      const halfway = await injectAs(app, late.access_token, { method: 'GET', url: '/admin/dashboard' })
      t.equal(halfway.json().code, 'mfa_enrolment_required', 'an app set up but not confirmed by a first code is no factor yet')
      await enrolTotp(auth, late.access_token)
      t.same(claimsOf(late.access_token).amr, ['pwd'], 'the same password-only token')
      for (const [index, res] of (await everyRoute(app, late.access_token)).entries()) {
        t.ok([200, 204].includes(res.statusCode), `${name(routes[index] as InjectOptions)} answers ${res.statusCode}`)
      }
    })

    t.test("a token whose sign-in used a code passes on its amr, without asking whether the factor's row is there", async (t) => {
      const coded = await auth.userSession('coded', 'admin')
      const secret = await enrolTotp(auth, coded.access_token)
      const token = await signInWithCode(auth, 'coded', secret)
      t.same(claimsOf(token).amr, ['pwd', 'otp'])
      // Only the token can say yes now: the database no longer knows of a factor.
      await db.deleteFrom('totp_factors').where('user_id', '=', coded.user.id).execute()
      t.equal((await injectAs(app, token, { method: 'GET', url: '/admin/dashboard' })).statusCode, 200, 'the amr alone lets it in')
      const passwordOnly = await auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'coded', password: STRONG_PASSWORD } })
      const refused = await injectAs(app, passwordOnly.json().access_token, { method: 'GET', url: '/admin/dashboard' })
      t.equal(refused.json().code, 'mfa_enrolment_required', 'a password-only token of the same admin is asked again')
    })

    t.test('a passkey is a second factor too: an admin with one passes on a password-only token', async (t) => {
      const keyed = await auth.userSession('keyed', 'admin')
      t.equal((await injectAs(app, keyed.access_token, { method: 'GET', url: '/admin/dashboard' })).statusCode, 403, 'refused before')
      await insertPasskey(db, keyed.user.id)
      t.equal((await injectAs(app, keyed.access_token, { method: 'GET', url: '/admin/dashboard' })).statusCode, 200)
    })

    t.test('the OpenAPI document declares the refusal on every admin route', async (t) => {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
      const operations = Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>).flatMap(([path, methods]) =>
        path.startsWith('/admin/') ? Object.entries(methods).map(([method, operation]) => ({ route: `${method} ${path}`, operation })) : [],
      )
      t.ok(operations.length >= routes.length, `${operations.length} admin operations`)
      for (const { route, operation } of operations) t.match(JSON.stringify(operation.responses['403']), /mfa_enrolment_required/, route)
    })
  })

  t.test(`MFA_REQUIRED_FOR_ADMINS=false on ${kind}: an admin with the password alone gets through`, async (t) => {
    const { app, root } = await startTestAdmin(t, kind, { mfaRequiredForAdmins: false })
    t.same(claimsOf(root.access_token).amr, ['pwd'])
    for (const url of ['/admin/dashboard', '/admin/get-all-users', '/admin/audit-events']) {
      t.equal((await injectAs(app, root.access_token, { method: 'GET', url })).statusCode, 200, url)
    }
  })
}
