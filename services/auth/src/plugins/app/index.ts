// auth's own plugins: its context (settings, database, clock, hashing, rules, key ring), the token decorators, housekeeping, the mail sender.
import type { FastifyInstance } from 'fastify'
import { type AuthContextOptions, authContextPlugin } from './context.ts'
import { housekeepingPlugin } from './housekeeping.ts'
import { mailSenderPlugin } from './mail-sender.ts'
import { tokensPlugin } from './tokens.ts'

export async function registerAppPlugins(app: FastifyInstance, options: AuthContextOptions): Promise<void> {
  await app.register(authContextPlugin, options)
  await app.register(tokensPlugin)
  await app.register(housekeepingPlugin)
  await app.register(mailSenderPlugin, { databaseKind: options.database.kind })
}
