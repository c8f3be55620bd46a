// Stopping a sender while a relay hangs: the send under way is abandoned after a short grace and its mail given back
// untried, so the next sender takes it at once instead of after the lease.
import type {} from '@portcullis/auth/plugins/app/mail-sender'
import { createServer, type Socket } from 'node:net'
import t from 'tap'
import { startTestAuth } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { enqueueTestMail, outboxRow, testMail, waitUntil } from './outbox-fixtures.ts'

/** Accepts connections and never says a word: a relay that hangs before its greeting. */
async function silentRelay(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server = createServer((socket) => {
    accepted++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    connections: () => accepted,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

for (const kind of testDatabaseKinds()) {
  t.test(`closing the app abandons a hanging send and gives the mail back, on ${kind}`, async (t) => {
    const relay = await silentRelay()
    t.teardown(() => relay.close())
    const { app, database, clock } = await startTestAuth(t, kind, { SMTP_URL: `smtp://127.0.0.1:${relay.port}` })
    const db = database.handle.db
    await app.ready()
    const id = await enqueueTestMail(db, clock.now(), testMail('frances@example.test'))
    app.mailSender.nudge()
    await waitUntil('the send has started', () => relay.connections() > 0)
    t.match(await outboxRow(db, id), { claimed_until: clock.now() + 60_000 }, 'claimed while it is sent')
    await app.close()
    t.match(await outboxRow(db, id), { sent_at: null, attempts: 0, claimed_by: null, claimed_until: null }, 'given back untried')
  })
}
