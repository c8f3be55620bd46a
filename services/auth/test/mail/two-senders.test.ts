// Two auth instances on one database, each with its own sender and connections: every one of 30 mails reaches the relay
// exactly once (on MariaDB the claims skip each other's locked rows; on SQLite one writer at a time decides).
import type {} from '@portcullis/auth/plugins/app/mail-sender'
import t from 'tap'
import { buildAuthApp } from '@portcullis/auth/app'
import { loadAuthConfig } from '@portcullis/auth/config'
import { connectDatabase } from '@portcullis/database/connect'
import { TEST_ENV } from '@portcullis/testkit/auth-app'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { startSmtpCapture } from '@portcullis/testkit/smtp-capture'
import { enqueueTestMail, quietFor, testMail, waitUntil } from './outbox-fixtures.ts'

const MAILS = 30

for (const kind of testDatabaseKinds()) {
  t.test(`two senders on one ${kind} database: ${MAILS} mails, each received once`, async (t) => {
    const relay = await startSmtpCapture()
    t.teardown(() => relay.close())
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const config = loadAuthConfig({ ...TEST_ENV, ...database.env, SMTP_URL: relay.url })
    const otherHandle = connectDatabase(config)
    t.teardown(() => otherHandle.close())
    const apps = [await buildAuthApp({ config, database: database.handle }), await buildAuthApp({ config, database: otherHandle })]
    for (const app of apps) t.teardown(() => app.close())
    await Promise.all(apps.map((app) => app.ready()))

    const ids: string[] = []
    for (let i = 0; i < MAILS; i++) ids.push(await enqueueTestMail(database.handle.db, Date.now(), testMail(`user${i}@example.test`)))
    for (const app of apps) app.mailSender.nudge()

    await waitUntil(`${MAILS} mails received`, () => relay.mails.length >= MAILS, 60_000)
    const db = database.handle.db
    await waitUntil('every row marked sent', async () => {
      const unsent = await db.selectFrom('mail_outbox').select('id').where('sent_at', 'is', null).execute()
      return unsent.length === 0
    })
    await quietFor(1_500)
    const received = relay.mails.map((mail) => /^<([^@]+)@/.exec(mail.messageId ?? '')?.[1])
    t.equal(received.length, MAILS, 'no mail twice')
    t.same([...received].sort(), [...ids].sort(), 'every mail once')
    const rows = await db.selectFrom('mail_outbox').select(['attempts', 'last_error']).execute()
    t.ok(
      rows.every((row) => row.attempts === 1 && row.last_error === null),
      'each sent at the first attempt',
    )
  })
}
