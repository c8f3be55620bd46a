// First start of a stack: migrate, create signing keys, and make sure an admin exists (printing a generated password once).
import { randomBytes } from 'node:crypto'
import type { Config } from '@portcullis/shared/config'
import type { DatabaseHandle } from '@portcullis/shared/db/connect'
import { migrateToLatest } from '@portcullis/shared/db/migrate'
import { argon2Parameters } from './app.ts'
import { ensureActiveKey } from './keys/store.ts'
import { createPasswordHasher } from './passwords/hash.ts'
import { ensureAdmin, hasActiveAdmin } from './users/ensure-admin.ts'

export interface BootstrapResult {
  migrations: string[]
  admin: { username: string; outcome: 'created' | 'promoted' | 'already_admin' | 'kept'; generatedPassword?: string }
}

export async function bootstrapStack(config: Config, database: DatabaseHandle): Promise<BootstrapResult> {
  const results = await migrateToLatest(database.db)
  const migrations = results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
  await ensureActiveKey(database.db, config.signingAlgorithm, Date.now())
  const username = config.adminUsername ?? 'admin'
  if (!config.adminUsername && (await hasActiveAdmin(database.db))) {
    return { migrations, admin: { username, outcome: 'kept' } }
  }
  const generatedPassword = config.adminPassword ? undefined : randomBytes(18).toString('base64url')
  const exists = await database.db.selectFrom('users').select('id').where('username', '=', username.toLowerCase()).executeTakeFirst()
  const password = exists ? config.adminPassword : (config.adminPassword ?? generatedPassword)
  const passwords = await createPasswordHasher(argon2Parameters(config))
  const outcome = await ensureAdmin(database.db, passwords, { username, password }, config.passwordMinLength, Date.now())
  return { migrations, admin: { username, outcome, ...(outcome === 'created' && generatedPassword ? { generatedPassword } : {}) } }
}
