// Deletes what has outlived its use: expired revocations and forgotten login failures.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { pruneRevocations } from '../revocations/feed.ts'
import { pruneThrottle } from '../throttle/login-throttle.ts'

const EVERY_MS = 60_000

async function housekeeping(app: FastifyInstance): Promise<void> {
  const timer = setInterval(() => {
    const now = app.now()
    Promise.all([pruneRevocations(app.db, now), pruneThrottle(app.db, now)]).catch((error: unknown) => {
      app.log.warn({ err: error }, 'housekeeping failed')
    })
  }, EVERY_MS)
  timer.unref()
  app.addHook('onClose', async () => clearInterval(timer))
}

export const housekeepingPlugin = fp(housekeeping, { name: 'auth-housekeeping', fastify: '5.x', dependencies: ['auth-context'] })
