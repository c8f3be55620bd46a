// Changing the email with verification on: the current password is needed, the new address waits in pending_email until
// its link is opened (auth's POST /auth/email/verify), the old address is told, and a stolen session alone cannot move it.
import t from 'tap'
import { STRONG_PASSWORD } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { mailsTo, tokenMailedTo } from '@portcullis/testkit/outbox'
import { bearer, startTestUserService } from '../helpers/user-app.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`email change on ${kind}`, async (t) => {
    const { app, auth, db } = await startTestUserService(t, kind, { PUBLIC_URL: 'https://id.example.test' })
    const carl = await auth.userSession('carl')
    const asCarl = bearer(carl.access_token)
    const patch = (payload: object) => app.inject({ method: 'PATCH', url: '/user/profile', payload, headers: asCarl })
    const row = () => db.selectFrom('users').select(['email', 'pending_email', 'email_verified_at']).where('id', '=', carl.user.id).executeTakeFirstOrThrow()

    t.test('no current password, or a wrong one: 422 at current_password, and nothing changes or is sent', async (t) => {
      const before = await row()
      const missing = await patch({ email: 'thief@example.test' })
      t.equal(missing.statusCode, 422)
      t.match(missing.json().errors, [{ field: 'current_password', code: 'required' }])
      const wrong = await patch({ email: 'thief@example.test', current_password: 'not the password' })
      t.equal(wrong.statusCode, 422)
      t.match(wrong.json().errors, [{ field: 'current_password', code: 'wrong_password', message: 'That is not your current password.' }])
      const clearing = await patch({ email: null })
      t.equal(clearing.statusCode, 422, 'clearing the address needs it too')
      t.same(await row(), before)
      t.equal((await mailsTo(db, 'thief@example.test')).length, 0)
      t.equal((await patch({ display_name: 'Carl' })).statusCode, 200, 'the display name needs no password')
    })

    t.test('the new address waits for its link; the old one is told; the link makes it the email, verified', async (t) => {
      const res = await patch({ email: 'Carl.New@Example.test', current_password: STRONG_PASSWORD })
      t.equal(res.statusCode, 200)
      t.match(res.json(), { email: 'carl@example.com', pending_email: 'carl.new@example.test' }, 'the email stays the old one until verified')
      const [notice] = await mailsTo(db, 'carl@example.com', 'email_change_requested')
      t.match(notice?.text, /carl\.new@example\.test/, 'the old address hears of the change')
      t.match(notice?.text, /https:\/\/id\.example\.test\/forgot-password/)
      const token = await tokenMailedTo(db, 'carl.new@example.test', 'verify_email')
      const login = await auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'carl.new@example.test', password: STRONG_PASSWORD } })
      t.equal(login.statusCode, 401, 'a pending address is not a login')

      const verified = await auth.app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token } })
      t.equal(verified.statusCode, 204)
      const after = await row()
      t.equal(after.email, 'carl.new@example.test')
      t.equal(after.pending_email, null)
      t.ok(after.email_verified_at)
      const profile = await app.inject({ method: 'GET', url: '/user/profile', headers: asCarl })
      t.match(profile.json(), { email: 'carl.new@example.test', email_verified: true, pending_email: null })
    })

    t.test('an older change link is refused once another change replaced it; going back drops the pending change', async (t) => {
      await patch({ email: 'first@example.test', current_password: STRONG_PASSWORD })
      const first = await tokenMailedTo(db, 'first@example.test', 'verify_email')
      await patch({ email: 'second@example.test', current_password: STRONG_PASSWORD })
      const refused = await auth.app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: first } })
      t.equal(refused.statusCode, 400)
      t.equal(refused.json().code, 'invalid_link')
      const back = await patch({ email: 'carl.new@example.test' })
      t.equal(back.statusCode, 200, 'back to the address it has: no password, nothing sent')
      t.equal(back.json().pending_email, null)
      const second = await tokenMailedTo(db, 'second@example.test', 'verify_email')
      const stale = await auth.app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: second } })
      t.equal(stale.json().code, 'invalid_link', 'the dropped change cannot be completed later')
      t.equal((await row()).email, 'carl.new@example.test')
    })

    t.test("another account's address is refused at once, and one taken while pending is refused at the link", async (t) => {
      const dora = await auth.userSession('dora')
      const taken = await patch({ email: 'dora@example.com', current_password: STRONG_PASSWORD })
      t.equal(taken.statusCode, 409)
      t.equal(taken.json().code, 'email_taken')
      await patch({ email: 'shared@example.test', current_password: STRONG_PASSWORD })
      const token = await tokenMailedTo(db, 'shared@example.test', 'verify_email')
      const doras = await app.inject({
        method: 'PATCH',
        url: '/user/profile',
        payload: { email: 'shared@example.test', current_password: STRONG_PASSWORD },
        headers: bearer(dora.access_token),
      })
      t.equal(doras.statusCode, 200, 'a pending address is not taken yet')
      const doraToken = await tokenMailedTo(db, 'shared@example.test', 'verify_email')
      t.equal((await auth.app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: doraToken } })).statusCode, 204)
      const late = await auth.app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token } })
      t.equal(late.statusCode, 409, 'whoever proves it first has it')
      t.equal(late.json().code, 'email_taken')
    })
  })
}
