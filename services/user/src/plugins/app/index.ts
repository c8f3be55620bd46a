// The user service's own plugins: its context (settings, database, clock, session lifetime) and the signed-in account.
import type { FastifyInstance } from 'fastify'
import { accountPlugin } from './account.ts'
import { type UserContextOptions, userContextPlugin } from './context.ts'

export async function registerAppPlugins(app: FastifyInstance, options: UserContextOptions): Promise<void> {
  await app.register(userContextPlugin, options)
  await app.register(accountPlugin)
}
