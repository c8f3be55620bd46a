// The admin service's own plugins: its context (settings, database, clock, session lifetime) and the active-admin check.
import type { FastifyInstance } from 'fastify'
import { activeAdminPlugin } from './active-admin.ts'
import { type AdminContextOptions, adminContextPlugin } from './context.ts'

export async function registerAppPlugins(app: FastifyInstance, options: AdminContextOptions): Promise<void> {
  await app.register(adminContextPlugin, options)
  await app.register(activeAdminPlugin)
}
