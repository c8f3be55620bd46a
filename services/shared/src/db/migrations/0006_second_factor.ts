// A second factor (issue 14): an authenticator app's TOTP secret (wrapped at rest like the signing keys), the recovery
// codes (stored hashed, each used once), the tickets of a sign-in waiting for its second step, and on each session how
// its user proved themselves and when (the access tokens' amr and auth_time).
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('totp_factors')
    .addColumn('user_id', 'varchar(36)', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('secret', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // null while set up but not yet confirmed by a first code: not asked for at sign-in.
    .addColumn('confirmed_at', 'bigint')
    // The time step of the last code taken: a code is accepted once, and never one older than it.
    .addColumn('last_used_step', 'bigint')
    .execute()

  await db.schema
    .createTable('recovery_codes')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('code_hash', 'char(64)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute()
  await db.schema.createIndex('recovery_codes_user').on('recovery_codes').columns(['user_id', 'code_hash']).execute()

  await db.schema
    .createTable('mfa_challenges')
    .addColumn('id', 'varchar(36)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'char(64)', (c) => c.notNull().unique())
    .addColumn('mode', 'varchar(8)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('used_at', 'bigint')
    .execute()
  await db.schema.createIndex('mfa_challenges_expires_at').on('mfa_challenges').column('expires_at').execute()

  // Sessions from before keep null: a password, at their creation.
  await db.schema.alterTable('sessions').addColumn('amr', 'varchar(64)').execute()
  await db.schema.alterTable('sessions').addColumn('auth_time', 'bigint').execute()
}
