// What housekeeping drops, on both databases: link tokens a day past their expiry, sign-in tickets an hour past theirs,
// mail sent over a day ago; and what it keeps: live links and tickets, unsent and failed mail.
import t from 'tap'
import { issueLinkToken, pruneLinkTokens } from '@portcullis/shared/accounts/link-tokens'
import { enqueueMail, pruneSentMail } from '@portcullis/shared/mail/outbox'
import { signup, startTestAuth } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { openMfaTicket, pruneMfaTickets } from '../src/mfa/challenge.ts'

const DAY = 86_400_000

for (const kind of testDatabaseKinds()) {
  t.test(`housekeeping on ${kind}`, async (t) => {
    const { app, database } = await startTestAuth(t, kind, { EMAIL_VERIFICATION: 'off' })
    const db = database.handle.db
    const user = (await signup(app, 'tidy')).json().user as { id: string }
    const now = Date.now()

    await issueLinkToken(db, { userId: user.id, purpose: 'reset', ttlSeconds: 1800 }, now - 2 * DAY)
    await issueLinkToken(db, { userId: user.id, purpose: 'verify', ttlSeconds: 1800 }, now)
    await pruneLinkTokens(db, now)
    t.same(
      (await db.selectFrom('account_tokens').select('purpose').execute()).map((row) => row.purpose),
      ['verify'],
      'the old link goes, the live one stays',
    )

    await openMfaTicket(db, user.id, 'token', now - 2 * 3_600_000)
    await openMfaTicket(db, user.id, 'token', now)
    await pruneMfaTickets(db, now)
    t.equal((await db.selectFrom('mfa_challenges').select('id').execute()).length, 1)

    const mail = { kind: 'reset_password', to: 'tidy@example.test', userId: user.id, subject: 's', text: 't', html: 'h' }
    const oldSent = await enqueueMail(db, mail, now - 3 * DAY)
    const freshSent = await enqueueMail(db, mail, now)
    const unsent = await enqueueMail(db, mail, now - 3 * DAY)
    await db
      .updateTable('mail_outbox')
      .set({ sent_at: now - 2 * DAY, next_attempt_at: now + 10 * DAY })
      .where('id', '=', oldSent)
      .execute()
    await db
      .updateTable('mail_outbox')
      .set({ sent_at: now, next_attempt_at: now + 10 * DAY })
      .where('id', '=', freshSent)
      .execute()
    await db
      .updateTable('mail_outbox')
      .set({ last_error: 'relay down', next_attempt_at: now + 10 * DAY })
      .where('id', '=', unsent)
      .execute()
    await pruneSentMail(db, now)
    const kept = (await db.selectFrom('mail_outbox').select('id').execute()).map((row) => row.id).sort()
    t.same(kept, [freshSent, unsent].sort(), 'mail sent two days ago goes; fresh and undelivered mail stays')
  })
}
