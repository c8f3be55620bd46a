// A mail outlives the instance that was to send it: one closed with the mail still pending, or one that crashed holding
// its claim, leaves it to the next instance on the same database, which sends it once (after the lease, for a crash).
import type {} from '@portcullis/auth/plugins/app/mail-sender'
import t from 'tap'
import { buildAuthApp } from '@portcullis/auth/app'
import { loadAuthConfig } from '@portcullis/auth/config'
import { TEST_ENV, startTestAuth } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { freePort } from '@portcullis/testkit/processes'
import { startSmtpCapture } from '@portcullis/testkit/smtp-capture'
import { enqueueTestMail, outboxRow, quietFor, testMail, waitUntil } from './outbox-fixtures.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`an app closed with a mail pending: the next one sends it, once, on ${kind}`, async (t) => {
    const port = await freePort()
    const first = await startTestAuth(t, kind, { SMTP_URL: `smtp://127.0.0.1:${port}` })
    const { database, clock } = first
    const db = database.handle.db
    await first.app.ready()
    const id = await enqueueTestMail(db, clock.now(), testMail('dorothy@example.test'))
    first.app.mailSender.nudge()
    await waitUntil('the relay being down is recorded', async () => (await outboxRow(db, id)).attempts === 1)
    await first.app.close()
    t.match(await outboxRow(db, id), { sent_at: null, claimed_by: null }, 'closed with the mail pending and unclaimed')

    const relay = await startSmtpCapture({ port })
    t.teardown(() => relay.close())
    clock.advance(2_000)
    const second = await buildAuthApp({
      config: loadAuthConfig({ ...TEST_ENV, ...database.env, SMTP_URL: relay.url }),
      database: database.handle,
      now: clock.now,
    })
    t.teardown(() => second.close())
    await second.ready()
    await relay.waitFor((m) => m.to === 'dorothy@example.test')
    await waitUntil('the row is marked sent', async () => (await outboxRow(db, id)).sent_at !== null)
    await quietFor(1_500)
    t.equal(relay.mails.length, 1, 'sent once')
  })

  t.test(`a crashed sender's claim holds until its lease runs out, then another sends the mail, on ${kind}`, async (t) => {
    const relay = await startSmtpCapture()
    t.teardown(() => relay.close())
    const { app, database, clock } = await startTestAuth(t, kind, { SMTP_URL: relay.url })
    const db = database.handle.db
    const id = await enqueueTestMail(db, clock.now(), testMail('edsger@example.test'))
    // As a sender leaves it when its process dies between claiming the mail and sending it.
    await db
      .updateTable('mail_outbox')
      .set({ claimed_by: 'crashed-host/4242/deadbeef', claimed_until: clock.now() + 60_000 })
      .where('id', '=', id)
      .execute()
    await app.ready()
    app.mailSender.nudge()
    await quietFor(1_500)
    t.equal(relay.mails.length, 0, 'not sent while the lease holds')
    clock.advance(60_001)
    app.mailSender.nudge()
    await relay.waitFor((m) => m.to === 'edsger@example.test')
    await waitUntil('the row is marked sent', async () => (await outboxRow(db, id)).sent_at !== null)
    t.match(await outboxRow(db, id), { claimed_by: null, claimed_until: null, attempts: 1 })
    await quietFor(1_500)
    t.equal(relay.mails.length, 1, 'sent once')
  })
}
