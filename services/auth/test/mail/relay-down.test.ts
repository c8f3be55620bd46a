// The relay is down, then up: each failed attempt is recorded (attempts, last_error, the next try backing off), the mail
// arrives once the relay listens, exactly once; and a mail that keeps failing is given up on visibly, not dropped.
import type {} from '@portcullis/auth/plugins/app/mail-sender'
import t from 'tap'
import { GIVEN_UP_AT, MAX_ATTEMPTS } from '@portcullis/auth/mail/retry-policy'
import { startTestAuth } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { freePort } from '@portcullis/testkit/processes'
import { startSmtpCapture } from '@portcullis/testkit/smtp-capture'
import { enqueueTestMail, outboxRow, quietFor, testMail, waitUntil } from './outbox-fixtures.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`SMTP down, then up, on ${kind}`, async (t) => {
    const port = await freePort()
    const { app, database, clock } = await startTestAuth(t, kind, { SMTP_URL: `smtp://127.0.0.1:${port}` })
    const db = database.handle.db
    await app.ready()
    const id = await enqueueTestMail(db, clock.now(), testMail('barbara@example.test'))
    app.mailSender.nudge()

    await waitUntil('the first failure is recorded', async () => (await outboxRow(db, id)).attempts === 1)
    let row = await outboxRow(db, id)
    t.match(row.last_error, /ECONNREFUSED|ECONNECTION/, 'last_error says the relay refused the connection')
    t.equal(row.next_attempt_at, clock.now() + 2_000, 'the first retry is 2 s away')
    t.equal(row.sent_at, null)
    await quietFor(1_500)
    t.equal((await outboxRow(db, id)).attempts, 1, 'not tried again before it is due')

    clock.advance(2_000)
    app.mailSender.nudge()
    await waitUntil('the second failure is recorded', async () => (await outboxRow(db, id)).attempts === 2)
    row = await outboxRow(db, id)
    t.equal(row.next_attempt_at, clock.now() + 4_000, 'then 4 s')

    const relay = await startSmtpCapture({ port })
    t.teardown(() => relay.close())
    clock.advance(4_000)
    app.mailSender.nudge()
    const received = await relay.waitFor((m) => m.to === 'barbara@example.test')
    t.equal(received.messageId?.startsWith(`<${id}@`), true)
    await waitUntil('the row is marked sent', async () => (await outboxRow(db, id)).sent_at !== null)
    row = await outboxRow(db, id)
    t.match(row, { attempts: 3, sent_at: clock.now(), claimed_by: null })
    t.match(row.last_error, /ECONNREFUSED|ECONNECTION/, 'the last error is kept as history')

    clock.advance(3_600_000)
    app.mailSender.nudge()
    await quietFor(1_500)
    t.equal(relay.mails.length, 1, 'it arrived once')
  })

  t.test(`a mail that fails ${MAX_ATTEMPTS} times is given up on and kept, on ${kind}`, async (t) => {
    const port = await freePort()
    const { app, database, clock } = await startTestAuth(t, kind, { SMTP_URL: `smtp://127.0.0.1:${port}` })
    const db = database.handle.db
    const id = await enqueueTestMail(db, clock.now(), testMail('claude@example.test'))
    await db
      .updateTable('mail_outbox')
      .set({ attempts: MAX_ATTEMPTS - 1, last_error: 'ECONNECTION: earlier' })
      .where('id', '=', id)
      .execute()
    await app.ready()
    app.mailSender.nudge()
    await waitUntil('the last failure is recorded', async () => (await outboxRow(db, id)).attempts === MAX_ATTEMPTS)
    const row = await outboxRow(db, id)
    t.equal(row.next_attempt_at, GIVEN_UP_AT, 'never due again')
    t.equal(row.sent_at, null, 'not sent')
    t.match(row.last_error, /ECONNREFUSED|ECONNECTION/, 'with its last error, for the admin console')
    t.equal(row.claimed_by, null)
  })
}
