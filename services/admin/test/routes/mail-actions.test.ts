// The admin's mail actions: a reset link sent to a user, an invitation (an account and a link to choose its password),
// the outbox's failures listed; each audited with the admin, none for a non-admin.
import t from 'tap'
import { STRONG_PASSWORD } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { linkIn, mailsTo, tokenMailedTo } from '@portcullis/testkit/outbox'
import { injectAs, startTestAdmin } from '../helpers/admin-app.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`admin mail actions on ${kind}`, async (t) => {
    const { app, auth, db, root } = await startTestAdmin(t, kind)
    const audited = (type: string, userId: string) =>
      db.selectFrom('audit_events').select(['actor_id']).where('type', '=', type).where('user_id', '=', userId).execute()

    t.test('a reset link to a user: mailed to their address, audited with the admin, and it works', async (t) => {
      const target = await auth.userSession('forgetful')
      const res = await injectAs(app, root.access_token, { method: 'POST', url: `/admin/users/${target.user.id}/password-reset` })
      t.equal(res.statusCode, 202)
      t.same(res.json(), {})
      t.same(await audited('password_reset_link_sent', target.user.id), [{ actor_id: root.user.id }])
      const token = await tokenMailedTo(db, 'forgetful@example.com', 'reset_password')
      const reset = await auth.app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token, new_password: 'the admin sent me this link' } })
      t.equal(reset.statusCode, 204)
    })

    t.test('refused: a user with no email, a disabled user, one that does not exist, and a non-admin', async (t) => {
      const bare = await auth.app.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'noaddress', password: STRONG_PASSWORD } })
      const bareId = bare.json().user.id
      const noEmail = await injectAs(app, root.access_token, { method: 'POST', url: `/admin/users/${bareId}/password-reset` })
      t.equal(noEmail.statusCode, 409)
      t.equal(noEmail.json().code, 'no_email')
      t.match(noEmail.json().detail, /no email address/)
      const off = await auth.userSession('switchedoff')
      await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', off.user.id).execute()
      const disabled = await injectAs(app, root.access_token, { method: 'POST', url: `/admin/users/${off.user.id}/password-reset` })
      t.equal(disabled.json().code, 'user_disabled')
      const missing = await injectAs(app, root.access_token, { method: 'POST', url: '/admin/users/00000000-0000-7000-8000-000000000000/password-reset' })
      t.equal(missing.statusCode, 404)
      const plain = await auth.userSession('plainuser')
      const forbidden = await injectAs(app, plain.access_token, { method: 'POST', url: `/admin/users/${off.user.id}/password-reset` })
      t.equal(forbidden.statusCode, 403)
      t.equal((await mailsTo(db, 'switchedoff@example.com', 'reset_password')).length, 0)
    })

    t.test('an invitation: an account no password opens, a link to choose one, which also proves the address', async (t) => {
      const res = await injectAs(app, root.access_token, {
        method: 'POST',
        url: '/admin/users/invite',
        payload: { username: 'Newcomer', email: 'Newcomer@Example.test' },
      })
      t.equal(res.statusCode, 201)
      t.match(res.json(), { username: 'newcomer', email: 'newcomer@example.test', role: 'user', email_verified: false })
      const userId = res.json().id
      t.same(await audited('user_invited', userId), [{ actor_id: root.user.id }])
      const [mail] = await mailsTo(db, 'newcomer@example.test', 'invite')
      t.match(mail?.subject, /invited/)
      t.equal(linkIn(mail?.text ?? '').pathname, '/reset-password')
      for (const password of ['', 'invited:', STRONG_PASSWORD]) {
        const login = await auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'newcomer', password: password || 'x' } })
        t.equal(login.statusCode, 401, 'no password opens the account before the link is used')
      }
      const token = await tokenMailedTo(db, 'newcomer@example.test', 'invite')
      const chosen = await auth.app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token, new_password: 'my very own passphrase' } })
      t.equal(chosen.statusCode, 204)
      const login = await auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'newcomer', password: 'my very own passphrase' } })
      t.equal(login.statusCode, 200)
      t.equal(login.json().user.email_verified, true, 'the invitation link proved the address')

      const again = await injectAs(app, root.access_token, {
        method: 'POST',
        url: '/admin/users/invite',
        payload: { username: 'newcomer', email: 'other@example.test' },
      })
      t.equal(again.json().code, 'username_taken')
      const sameEmail = await injectAs(app, root.access_token, {
        method: 'POST',
        url: '/admin/users/invite',
        payload: { username: 'another', email: 'newcomer@example.test' },
      })
      t.equal(sameEmail.json().code, 'email_taken')
      const bad = await injectAs(app, root.access_token, { method: 'POST', url: '/admin/users/invite', payload: { username: 'x', email: 'nope' } })
      t.equal(bad.statusCode, 422)
      t.same(
        bad
          .json()
          .errors.map((e: { field: string }) => e.field)
          .sort(),
        ['email', 'username'],
      )
      const admin = await injectAs(app, root.access_token, {
        method: 'POST',
        url: '/admin/users/invite',
        payload: { username: 'deputy', email: 'deputy@example.test', role: 'admin' },
      })
      t.equal(admin.json().role, 'admin')
    })

    t.test('the failures list: undelivered mails that failed, with the relay’s words; delivered and untried ones are not listed', async (t) => {
      const before = await injectAs(app, root.access_token, { method: 'GET', url: '/admin/mail/failures' })
      t.equal(before.statusCode, 200)
      const now = Date.now()
      const row = {
        kind: 'reset_password',
        subject: 'Reset',
        text_body: 't',
        html_body: 'h',
        created_at: now,
        claimed_by: null,
        claimed_until: null,
        user_id: null,
      }
      await db
        .insertInto('mail_outbox')
        .values([
          {
            ...row,
            id: 'f-1',
            recipient: 'bounce@example.test',
            attempts: 3,
            next_attempt_at: now + 3_600_000,
            sent_at: null,
            last_error: '550 mailbox unavailable',
          },
          { ...row, id: 'f-2', recipient: 'sent@example.test', attempts: 2, next_attempt_at: now, sent_at: now, last_error: 'timeout' },
          { ...row, id: 'f-3', recipient: 'waiting@example.test', attempts: 0, next_attempt_at: now + 60_000_000, sent_at: null, last_error: null },
        ])
        .execute()
      const res = await injectAs(app, root.access_token, { method: 'GET', url: '/admin/mail/failures' })
      const listed = res.json().mails.filter((mail: { id: string }) => mail.id.startsWith('f-'))
      t.match(listed, [{ id: 'f-1', recipient: 'bounce@example.test', attempts: 3, last_error: '550 mailbox unavailable', user: null }])
      t.equal(listed.length, 1)
      const plain = await auth.userSession('curious')
      t.equal((await injectAs(app, plain.access_token, { method: 'GET', url: '/admin/mail/failures' })).statusCode, 403)
    })
  })
}
