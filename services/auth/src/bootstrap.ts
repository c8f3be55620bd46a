// First start of a stack: migrate, create signing keys, and make sure an admin exists (printing a generated password once).
import { randomBytes } from 'node:crypto'
import type { AuthConfig } from './config.ts'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { migrateToLatest } from '@portcullis/shared/db/migrate'
import { keyWrapping } from '@portcullis/shared/keys/private-key-wrapping'
import { ensureActiveKey } from '@portcullis/shared/keys/store'
import { argon2Parameters, createPasswordHasher } from './passwords/hash.ts'
import { ensureAdmin, hasActiveAdmin } from './users/ensure-admin.ts'

export interface BootstrapResult {
  migrations: string[]
  admin: {
    username: string
    outcome: 'created' | 'promoted' | 'already_admin' | 'kept'
    generatedPassword?: string
    /** ADMIN_PASSWORD was set but not applied: it only creates the first admin, and that admin exists with another password. */
    passwordNotApplied?: boolean
  }
}

export async function bootstrapStack(config: AuthConfig, database: DatabaseHandle): Promise<BootstrapResult> {
  const results = await migrateToLatest(database.db)
  const migrations = results.filter((r) => r.status === 'Success').map((r) => r.migrationName)
  await ensureActiveKey(database.db, config.signingAlgorithm, Date.now(), keyWrapping(config))
  const username = config.adminUsername ?? 'admin'
  if (!config.adminUsername && !config.adminPassword && (await hasActiveAdmin(database.db))) {
    return { migrations, admin: { username, outcome: 'kept' } }
  }
  const exists = await database.db.selectFrom('users').select('id').where('username', '=', username.toLowerCase()).executeTakeFirst()
  if (!config.adminUsername && !exists && (await hasActiveAdmin(database.db))) {
    // Some other admin was made first; ADMIN_PASSWORD names nobody.
    return { migrations, admin: { username, outcome: 'kept', passwordNotApplied: true } }
  }
  const generatedPassword = config.adminPassword || exists ? undefined : randomBytes(18).toString('base64url')
  const passwords = await createPasswordHasher(argon2Parameters(config))
  const result = await ensureAdmin(database.db, passwords, { username, password: config.adminPassword ?? generatedPassword }, config, Date.now(), 'keep')
  return {
    migrations,
    admin: {
      username,
      outcome: result.outcome,
      ...(result.outcome === 'created' && generatedPassword ? { generatedPassword } : {}),
      ...(result.passwordNotApplied ? { passwordNotApplied: true } : {}),
    },
  }
}
