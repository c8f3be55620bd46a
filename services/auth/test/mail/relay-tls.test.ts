// Delivery through a real SMTP relay over TCP: STARTTLS with a certificate trusted through SMTP_CA_FILE and AUTH required,
// TLS from the first byte (smtps://), a certificate nobody trusts, and a wrong password, which is retried and never logged.
import type {} from '@portcullis/auth/plugins/app/mail-sender'
import t from 'tap'
import { loadAuthConfig } from '@portcullis/auth/config'
import { createDelivery } from '@portcullis/auth/mail/delivery'
import { createMailSender } from '@portcullis/auth/mail/sender'
import { TEST_ENV, startTestAuth } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { startSmtpCapture } from '@portcullis/testkit/smtp-capture'
import { LONG_LINK, enqueueTestMail, keptLog, outboxRow, quietFor, testMail, waitUntil } from './outbox-fixtures.ts'

const RELAY_USER = 'portcullis-relay'
// Characters that must be percent-encoded in SMTP_URL, and decoded before AUTH.
const RELAY_PASSWORD = 'pa:ss/w@rd secret%'

for (const kind of testDatabaseKinds()) {
  t.test(`STARTTLS with SMTP_CA_FILE and AUTH required, on ${kind}`, async (t) => {
    const relay = await startSmtpCapture({ tls: true, auth: { user: RELAY_USER, pass: RELAY_PASSWORD } })
    t.teardown(() => relay.close())
    t.match(relay.url, /^smtp:\/\//)
    const { app, database, clock } = await startTestAuth(t, kind, {
      SMTP_URL: relay.url,
      SMTP_CA_FILE: relay.caFile ?? '',
      MAIL_FROM: 'Portcullis <no-reply@portcullis.example.test>',
    })
    await app.ready()
    const mail = testMail('ada@example.test')
    const id = await enqueueTestMail(database.handle.db, clock.now(), mail)
    app.mailSender.nudge()

    const received = await relay.waitFor((m) => m.to === 'ada@example.test')
    t.ok(received.secure, 'the session was upgraded to TLS before the mail went')
    t.equal(received.user, RELAY_USER, 'it authenticated with the decoded user and password')
    t.same(received.envelope, { from: 'no-reply@portcullis.example.test', to: ['ada@example.test'] })
    t.equal(received.from, 'no-reply@portcullis.example.test', 'From is MAIL_FROM')
    t.equal(received.subject, mail.subject)
    t.equal(received.text, mail.text, 'the text part, whole')
    t.ok(received.text.includes(LONG_LINK), 'the long link is unbroken')
    t.equal(received.html.trim(), mail.html, 'the HTML part, whole')
    t.equal(received.messageId, `<${id}@portcullis.example.test>`, 'the Message-ID is made of the outbox id')

    await waitUntil('the row is marked sent', async () => (await outboxRow(database.handle.db, id)).sent_at !== null)
    t.match(await outboxRow(database.handle.db, id), { sent_at: clock.now(), attempts: 1, claimed_by: null, claimed_until: null, last_error: null })
    await quietFor(1_500)
    t.equal(relay.mails.length, 1, 'sent once')
  })

  t.test(`smtps:// speaks TLS from the first byte, on ${kind}`, async (t) => {
    const relay = await startSmtpCapture({ secure: true, auth: { user: RELAY_USER, pass: RELAY_PASSWORD } })
    t.teardown(() => relay.close())
    t.match(relay.url, /^smtps:\/\//)
    const { app, database, clock } = await startTestAuth(t, kind, { SMTP_URL: relay.url, SMTP_CA_FILE: relay.caFile ?? '' })
    await app.ready()
    const id = await enqueueTestMail(database.handle.db, clock.now(), testMail('grace@example.test'))
    app.mailSender.nudge()
    const received = await relay.waitFor((m) => m.to === 'grace@example.test')
    t.ok(received.secure)
    t.equal(received.user, RELAY_USER)
    await waitUntil('the row is marked sent', async () => (await outboxRow(database.handle.db, id)).sent_at !== null)
  })

  t.test(`a relay certificate that nothing trusts is a failure, on ${kind}`, async (t) => {
    const relay = await startSmtpCapture({ secure: true })
    t.teardown(() => relay.close())
    const { app, database, clock } = await startTestAuth(t, kind, { SMTP_URL: relay.url })
    await app.ready()
    const id = await enqueueTestMail(database.handle.db, clock.now(), testMail('mallory@example.test'))
    app.mailSender.nudge()
    await waitUntil('the failure is recorded', async () => (await outboxRow(database.handle.db, id)).attempts > 0)
    const row = await outboxRow(database.handle.db, id)
    t.match(row.last_error, /certificate/i, 'last_error says why')
    t.equal(row.sent_at, null)
    t.equal(relay.mails.length, 0, 'nothing was sent to it')
  })

  t.test(`a wrong password is a failure that is retried, and no log line names it, on ${kind}`, async (t) => {
    const relay = await startSmtpCapture({ tls: true, auth: { user: RELAY_USER, pass: RELAY_PASSWORD } })
    t.teardown(() => relay.close())
    const wrongPassword = 'not-the-relay-password'
    const wrongUrl = relay.url.replace(encodeURIComponent(RELAY_PASSWORD), wrongPassword)
    t.not(wrongUrl, relay.url)
    const { database, clock } = await startTestAuth(t, kind)
    const db = database.handle.db
    const senderWith = (url: string) => {
      const log = keptLog()
      const config = loadAuthConfig({ ...TEST_ENV, ...database.env, SMTP_URL: url, SMTP_CA_FILE: relay.caFile ?? '' })
      const sender = createMailSender({ db, databaseKind: kind, now: clock.now, delivery: createDelivery(config), log, pollEveryMs: 100 })
      return { sender, log }
    }
    const id = await enqueueTestMail(db, clock.now(), testMail('alan@example.test'))

    const wrong = senderWith(wrongUrl)
    t.teardown(() => wrong.sender.stop())
    wrong.sender.start()
    await waitUntil('the first failure is recorded', async () => (await outboxRow(db, id)).attempts === 1)
    let row = await outboxRow(db, id)
    t.match(row.last_error, /EAUTH|535|Invalid/, 'last_error says the relay refused the login')
    t.equal(row.next_attempt_at, clock.now() + 2_000, 'tried again in 2 s')
    t.equal(row.sent_at, null)
    t.equal(row.claimed_by, null, 'the claim ended with the failure')
    t.ok(relay.refusedLogins() >= 1, 'the relay refused a login')

    clock.advance(2_000)
    wrong.sender.nudge()
    await waitUntil('the second failure is recorded', async () => (await outboxRow(db, id)).attempts === 2)
    row = await outboxRow(db, id)
    t.equal(row.next_attempt_at, clock.now() + 4_000, 'the wait doubles')
    await wrong.sender.stop()
    const logged = JSON.stringify(wrong.log.lines)
    t.match(logged, /not sent \(attempt 1\)/, 'each failure is logged')
    t.notMatch(logged, wrongPassword, 'no log line names the password')
    t.notMatch(row.last_error ?? '', wrongPassword, 'nor does last_error')
    t.equal(relay.mails.length, 0)

    clock.advance(4_000)
    const right = senderWith(relay.url)
    t.teardown(() => right.sender.stop())
    right.sender.start()
    await relay.waitFor((m) => m.to === 'alan@example.test')
    await waitUntil('the row is marked sent', async () => (await outboxRow(db, id)).sent_at !== null)
    t.equal((await outboxRow(db, id)).attempts, 3, 'sent on the third attempt: the mail was never lost')
    t.notMatch(JSON.stringify(right.log.lines), RELAY_PASSWORD, 'the right password is not logged either')
  })
}
