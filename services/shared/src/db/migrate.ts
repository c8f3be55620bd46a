// Forward-only migrations, run by the migrate command and at start-up of the local stack.
import type { Kysely } from 'kysely'
import { type Migration, type MigrationResult, Migrator } from 'kysely/migration'
import * as initial from './migrations/0001_initial.ts'
import * as adminIndexes from './migrations/0002_admin_indexes.ts'
import * as refreshSuccessor from './migrations/0003_refresh_successor.ts'
import * as revocationFeedOrder from './migrations/0004_revocation_feed_order.ts'
import * as email from './migrations/0005_email.ts'
import * as secondFactor from './migrations/0006_second_factor.ts'
import * as passkeys from './migrations/0007_passkeys.ts'
import * as oidc from './migrations/0008_oidc.ts'
import * as oidcSignIns from './migrations/0009_oidc_sign_ins.ts'
import * as sessionsUserLive from './migrations/0010_sessions_user_live.ts'
import type { Database } from './schema.ts'

const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_admin_indexes': adminIndexes,
  '0003_refresh_successor': refreshSuccessor,
  '0004_revocation_feed_order': revocationFeedOrder,
  '0005_email': email,
  '0006_second_factor': secondFactor,
  '0007_passkeys': passkeys,
  '0008_oidc': oidc,
  '0009_oidc_sign_ins': oidcSignIns,
  '0010_sessions_user_live': sessionsUserLive,
}

export class MigrationFailed extends Error {
  override name = 'MigrationFailed'
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')
    const why = error instanceof Error ? error.message : String(error)
    throw new MigrationFailed(failed ? `migration ${failed.migrationName} failed: ${why}` : `migrations could not run: ${why}`, { cause: error })
  }
  return results ?? []
}
