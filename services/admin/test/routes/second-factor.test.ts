// An admin recovers a user who lost their authenticator app and recovery codes: the state shown, the factor removed with
// the codes, the user told by mail, the step audited; refused for a non-admin, an unknown user, and nothing to reset. A
// user with passkeys alone is reset the same way.
import t from 'tap'
import { STRONG_PASSWORD, bearer } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { mailsTo } from '@portcullis/testkit/outbox'
import { totpCodeAt } from '@portcullis/testkit/totp'
import { injectAs, startTestAdmin } from '../helpers/admin-app.ts'
import { insertPasskey } from '../helpers/passkey-row.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`an admin resets a user's second factor on ${kind}`, async (t) => {
    const { app, auth, db, root } = await startTestAdmin(t, kind)
    const locked = await auth.userSession('lockedout')
    const setup = await auth.app.inject({ method: 'POST', url: '/auth/mfa/totp/setup', payload: {}, headers: bearer(locked.access_token) })
    const { secret } = setup.json() as { secret: string }
    const confirm = await auth.app.inject({
      method: 'POST',
      url: '/auth/mfa/totp/confirm',
      payload: { code: totpCodeAt(secret, auth.clock.now()) },
      headers: bearer(locked.access_token),
    })
    t.equal(confirm.statusCode, 200)
    const url = `/admin/users/${locked.user.id}/second-factor`

    const shown = await injectAs(app, root.access_token, { method: 'GET', url })
    t.same(shown.json(), { totp: true, passkeys: 0, recovery_codes_left: 10 })
    const plain = await auth.userSession('bystander')
    t.equal((await injectAs(app, plain.access_token, { method: 'DELETE', url })).statusCode, 403, 'not for a user')
    const signIn = () => auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'lockedout', password: STRONG_PASSWORD } })
    t.ok((await signIn()).json().mfa_required, 'a code is needed before the reset')

    const reset = await injectAs(app, root.access_token, { method: 'DELETE', url })
    t.equal(reset.statusCode, 204)
    t.ok((await signIn()).json().access_token, 'the password alone signs in after it')
    t.same((await injectAs(app, root.access_token, { method: 'GET', url })).json(), { totp: false, passkeys: 0, recovery_codes_left: 0 })
    t.equal((await db.selectFrom('recovery_codes').select('id').where('user_id', '=', locked.user.id).execute()).length, 0, 'the codes are gone too')
    const events = await db.selectFrom('audit_events').select(['actor_id']).where('type', '=', 'mfa_reset').where('user_id', '=', locked.user.id).execute()
    t.same(events, [{ actor_id: root.user.id }])
    const [mail] = await mailsTo(db, 'lockedout@example.com', 'mfa_reset')
    t.match(mail?.text, /administrator turned off two-step verification/)

    const again = await injectAs(app, root.access_token, { method: 'DELETE', url })
    t.equal(again.statusCode, 409)
    t.equal(again.json().code, 'no_second_factor')
    const missing = await injectAs(app, root.access_token, { method: 'GET', url: '/admin/users/00000000-0000-7000-8000-000000000000/second-factor' })
    t.equal(missing.statusCode, 404)
  })

  t.test(`an admin resets the passkeys of a user who has no app on ${kind}`, async (t) => {
    const { app, auth, db, root } = await startTestAdmin(t, kind)
    const keyed = await auth.userSession('keyedonly')
    await insertPasskey(db, keyed.user.id, 'Phone')
    await insertPasskey(db, keyed.user.id, 'Security key')
    const url = `/admin/users/${keyed.user.id}/second-factor`
    t.same((await injectAs(app, root.access_token, { method: 'GET', url })).json(), { totp: false, passkeys: 2, recovery_codes_left: 0 })
    t.equal((await injectAs(app, root.access_token, { method: 'DELETE', url })).statusCode, 204, 'passkeys alone are something to reset')
    t.same((await injectAs(app, root.access_token, { method: 'GET', url })).json(), { totp: false, passkeys: 0, recovery_codes_left: 0 })
    const [mail] = await mailsTo(db, 'keyedonly@example.com', 'mfa_reset')
    t.ok(mail, 'the user is told by mail')
  })
}
