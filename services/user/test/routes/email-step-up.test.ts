// Step-up for the email on both databases: changing or clearing it needs a sign-in within STEP_UP_MAX_AGE (the user
// service reads the same setting as auth), else 401 reauthentication_required with RFC 9470's WWW-Authenticate, before the
// password is even tried and with nothing changed or mailed; a re-authentication at auth makes the same session recent.
import t from 'tap'
import { STRONG_PASSWORD } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { mailsTo } from '@portcullis/testkit/outbox'
import { bearer, sessionIdOf, startTestUserService } from '../helpers/user-app.ts'

const MAX_AGE = 60

for (const kind of testDatabaseKinds()) {
  t.test(`email step-up on ${kind}`, async (t) => {
    const { auth, db, another } = await startTestUserService(t, kind, { STEP_UP_MAX_AGE: String(MAX_AGE) })
    // The user app on auth's movable clock: the tokens' auth_time is auth's clock at sign-in.
    const app = await another({}, { now: auth.clock.now })
    const carl = await auth.userSession('carl')
    const patch = (token: string, payload: object) => app.inject({ method: 'PATCH', url: '/user/profile', payload, headers: bearer(token) })
    const row = () => db.selectFrom('users').select(['email', 'pending_email', 'display_name']).where('id', '=', carl.user.id).executeTakeFirstOrThrow()

    t.test('a fresh sign-in changes the email (with the password)', async (t) => {
      const dora = await auth.userSession('dora')
      const res = await patch(dora.access_token, { email: 'dora.new@example.test', current_password: STRONG_PASSWORD })
      t.equal(res.statusCode, 200)
      t.equal(res.json().pending_email, 'dora.new@example.test')
    })

    t.test('past STEP_UP_MAX_AGE: changing or clearing the email is 401 reauthentication_required; nothing changes or is sent', async (t) => {
      auth.clock.advance((MAX_AGE + 1) * 1000)
      const before = await row()
      for (const payload of [
        { email: 'thief@example.test', current_password: STRONG_PASSWORD },
        { email: null, current_password: STRONG_PASSWORD },
        { email: 'thief@example.test', current_password: 'a guess at the password' },
      ]) {
        const res = await patch(carl.access_token, payload)
        t.equal(res.statusCode, 401)
        t.equal(res.json().code, 'reauthentication_required', 'before the password is tried')
        t.match(String(res.headers['www-authenticate']), /^Bearer error="insufficient_user_authentication".*max_age=60$/)
      }
      t.same(await row(), before)
      t.equal((await mailsTo(db, 'thief@example.test')).length, 0)
      t.equal((await patch(carl.access_token, { display_name: 'Carl' })).statusCode, 200, 'the display name needs no step-up')
      t.equal((await patch(carl.access_token, { email: 'carl@example.com' })).statusCode, 200, 'nor the address it already has')
    })

    t.test('re-authenticated at auth, the same session changes it; the old token stays refused', async (t) => {
      const reauth = await auth.app.inject({
        method: 'POST',
        url: '/auth/reauthenticate',
        payload: { password: STRONG_PASSWORD },
        headers: bearer(carl.access_token),
      })
      t.equal(reauth.statusCode, 200)
      const fresh = reauth.json().access_token as string
      t.equal(sessionIdOf(fresh), sessionIdOf(carl.access_token))
      const old = await patch(carl.access_token, { email: 'carl.new@example.test', current_password: STRONG_PASSWORD })
      t.equal(old.json().code, 'reauthentication_required')
      const wrong = await patch(fresh, { email: 'carl.new@example.test', current_password: 'not the password' })
      t.equal(wrong.statusCode, 422, 'the password is still asked for')
      t.match(wrong.json().errors, [{ field: 'current_password', code: 'wrong_password' }])
      const res = await patch(fresh, { email: 'carl.new@example.test', current_password: STRONG_PASSWORD })
      t.equal(res.statusCode, 200)
      t.equal(res.json().pending_email, 'carl.new@example.test')
      t.equal((await mailsTo(db, 'carl.new@example.test', 'verify_email')).length, 1)
    })
  })
}
