// Deletes what has outlived its use: expired revocations, forgotten login failures, successors past the grace window,
// links, sign-in tickets and passkey challenges that no longer work, mail sent a day ago.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { pruneLinkTokens } from '@portcullis/shared/accounts/link-tokens'
import { pruneSentMail } from '@portcullis/shared/mail/outbox'
import { pruneRevocations } from '@portcullis/shared/revocations/feed'
import { pruneMfaTickets } from '../../mfa/challenge.ts'
import { prunePasskeyChallenges } from '../../passkeys/challenges.ts'
import { forgetSpentSuccessors } from '../../sessions/rotate.ts'
import { pruneThrottle } from '../../throttle/login-throttle.ts'

const EVERY_MS = 60_000

async function housekeeping(app: FastifyInstance): Promise<void> {
  const timer = setInterval(() => {
    const now = app.now()
    Promise.all([
      pruneRevocations(app.db, now),
      pruneThrottle(app.db, now),
      forgetSpentSuccessors(app.db, app.sessionPolicy, now),
      pruneLinkTokens(app.db, now),
      pruneMfaTickets(app.db, now),
      prunePasskeyChallenges(app.db, now),
      pruneSentMail(app.db, now),
    ]).catch((error: unknown) => {
      app.log.warn({ err: error }, 'housekeeping failed')
    })
  }, EVERY_MS)
  timer.unref()
  app.addHook('onClose', async () => clearInterval(timer))
}

export const housekeepingPlugin = fp(housekeeping, { name: 'auth-housekeeping', fastify: '5.x', dependencies: ['auth-context'] })
