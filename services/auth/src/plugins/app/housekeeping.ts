// Deletes what has outlived its use: expired revocations, forgotten login failures, successors past the grace window.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { pruneRevocations } from '@portcullis/shared/revocations/feed'
import { forgetSpentSuccessors } from '../../sessions/rotate.ts'
import { pruneThrottle } from '../../throttle/login-throttle.ts'

const EVERY_MS = 60_000

async function housekeeping(app: FastifyInstance): Promise<void> {
  const timer = setInterval(() => {
    const now = app.now()
    Promise.all([pruneRevocations(app.db, now), pruneThrottle(app.db, now), forgetSpentSuccessors(app.db, app.sessionPolicy, now)]).catch((error: unknown) => {
      app.log.warn({ err: error }, 'housekeeping failed')
    })
  }, EVERY_MS)
  timer.unref()
  app.addHook('onClose', async () => clearInterval(timer))
}

export const housekeepingPlugin = fp(housekeeping, { name: 'auth-housekeeping', fastify: '5.x', dependencies: ['auth-context'] })
