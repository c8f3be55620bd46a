// The outbox's sender of this instance (mail/sender.ts): it starts once the app is ready and stops as it closes;
// `app.mailSender.nudge()` makes it look at the outbox at once, for a route that has just enqueued a mail.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import { createDelivery } from '../../mail/delivery.ts'
import { createMailSender } from '../../mail/sender.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Wakes this instance's mail sender: call nudge() once the transaction that enqueued a mail has committed. */
    mailSender: { nudge(): void }
  }
}

export interface MailSenderPluginOptions {
  databaseKind: DatabaseKind
}

async function mailSender(app: FastifyInstance, options: MailSenderPluginOptions): Promise<void> {
  const sender = createMailSender({
    db: app.db,
    databaseKind: options.databaseKind,
    now: app.now,
    delivery: createDelivery(app.authConfig),
    log: app.log.child({ component: 'mail' }),
  })
  app.decorate('mailSender', { nudge: () => sender.nudge() })
  app.addHook('onReady', async () => sender.start())
  app.addHook('onClose', async () => sender.stop())
}

export const mailSenderPlugin = fp(mailSender, { name: 'auth-mail-sender', fastify: '5.x', dependencies: ['auth-context'] })
