// Without SMTP_URL the sender writes each mail to DATA_DIR/mail as an RFC 822 file named after its creation time and id,
// whole or not at all, and logs one line with the recipient, the subject and the first link.
import type {} from '@portcullis/auth/plugins/app/mail-sender'
import { readdir } from 'node:fs/promises'
import t from 'tap'
import { loadAuthConfig } from '@portcullis/auth/config'
import { createDelivery } from '@portcullis/auth/mail/delivery'
import { firstLink } from '@portcullis/auth/mail/file-drop-delivery'
import { isMailDropFileName, mailDropDir, mailDropFileName } from '@portcullis/auth/mail/mail-drop-files'
import { createMailSender } from '@portcullis/auth/mail/sender'
import { TEST_ENV, startTestAuth } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { readMailDrop, waitForMail } from '@portcullis/testkit/mailbox'
import { LONG_LINK, enqueueTestMail, keptLog, outboxRow, testMail, waitUntil } from './outbox-fixtures.ts'

t.test('the file name is the creation time in UTC, then the outbox id', async (t) => {
  const id = '0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'
  const name = mailDropFileName({ id, created_at: Date.UTC(2025, 0, 2, 3, 4, 5, 67) })
  t.equal(name, `20250102-030405-067-${id}.eml`)
  t.ok(isMailDropFileName(name))
  t.notOk(isMailDropFileName(`.${name}.1a2b3c4d.partial`), 'a file still being written is not a mail')
  t.notOk(isMailDropFileName('../20250102-030405-067-x.eml'))
})

t.test('the first link of a text', async (t) => {
  t.equal(firstLink(`Open ${LONG_LINK}.`), LONG_LINK, 'without the full stop after it')
  t.equal(firstLink('see (http://a.test/x?y=1), then https://b.test'), 'http://a.test/x?y=1')
  t.equal(firstLink('no link here'), undefined)
})

for (const kind of testDatabaseKinds()) {
  t.test(`no SMTP_URL: the mail is a file in DATA_DIR/mail, on ${kind}`, async (t) => {
    const { app, database, config, clock } = await startTestAuth(t, kind)
    t.equal(config.smtpUrl, undefined)
    const db = database.handle.db
    await app.ready()
    const mail = testMail('ida@example.test')
    const id = await enqueueTestMail(db, clock.now(), mail)
    app.mailSender.nudge()
    const dir = mailDropDir(config.dataDir)
    const dropped = await waitForMail(dir, (m) => m.to === 'ida@example.test')
    const row = await outboxRow(db, id)
    t.equal(dropped.file, mailDropFileName(row), 'named after its creation time and id')
    t.equal(dropped.subject, mail.subject)
    t.equal(dropped.text, mail.text, 'the text part, whole, its long link unbroken')
    t.equal(dropped.html.trim(), mail.html)
    t.equal(dropped.from, 'no-reply@localhost', 'From is MAIL_FROM')
    t.equal(dropped.date?.getTime(), Math.floor(clock.now() / 1000) * 1000, 'dated when it was delivered (to the second)')
    await waitUntil('the row is marked sent', async () => (await outboxRow(db, id)).sent_at !== null)
    t.same(await readdir(dir), [dropped.file], 'nothing else is left in the folder')

    clock.advance(1)
    const second = await enqueueTestMail(db, clock.now(), testMail('jean@example.test'))
    app.mailSender.nudge()
    await waitForMail(dir, (m) => m.to === 'jean@example.test')
    t.same(
      (await readMailDrop(dir)).map((m) => m.file),
      [mailDropFileName(row), mailDropFileName(await outboxRow(db, second))],
      'read oldest first',
    )
  })

  t.test(`no SMTP_URL: one log line per mail with the recipient, the subject and the link, on ${kind}`, async (t) => {
    const { database, clock } = await startTestAuth(t, kind)
    const config = loadAuthConfig({ ...TEST_ENV, ...database.env })
    const log = keptLog()
    const sender = createMailSender({ db: database.handle.db, databaseKind: kind, now: clock.now, delivery: createDelivery(config), log, pollEveryMs: 100 })
    t.teardown(() => sender.stop())
    const mail = testMail('katherine@example.test', 'Confirm your address')
    const id = await enqueueTestMail(database.handle.db, clock.now(), mail)
    sender.start()
    await waitUntil('the row is marked sent', async () => (await outboxRow(database.handle.db, id)).sent_at !== null)
    await sender.stop()
    t.same(
      log.lines.map((line) => `${line.level} ${line.message}`),
      [`info mail to katherine@example.test: Confirm your address — ${LONG_LINK}`],
    )
  })
}
