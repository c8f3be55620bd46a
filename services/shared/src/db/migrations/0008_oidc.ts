// The OpenID Connect provider (issue 16): oidc-provider's state (sessions, interactions, codes, tokens, grants: one row per
// model and id, the payload as JSON text, with the columns it is looked up by) and the relying parties registered with us.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_payloads')
    .addColumn('model', 'varchar(64)', (c) => c.notNull())
    .addColumn('id', 'varchar(255)', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'varchar(255)')
    .addColumn('user_code', 'varchar(255)')
    .addColumn('uid', 'varchar(255)')
    .addColumn('expires_at', 'bigint')
    .addColumn('consumed_at', 'bigint')
    .addPrimaryKeyConstraint('oidc_payloads_pk', ['model', 'id'])
    .execute()
  await db.schema.createIndex('oidc_payloads_grant_id').on('oidc_payloads').column('grant_id').execute()
  await db.schema.createIndex('oidc_payloads_user_code').on('oidc_payloads').column('user_code').execute()
  await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').column('uid').execute()
  await db.schema.createIndex('oidc_payloads_expires_at').on('oidc_payloads').column('expires_at').execute()

  await db.schema
    .createTable('oidc_clients')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(64)', (c) => c.notNull().unique())
    // null for a public client (PKCE, no secret); else the SHA-256 of the secret, shown once when the client is made.
    .addColumn('secret_hash', 'char(64)')
    .addColumn('redirect_uris', 'text', (c) => c.notNull())
    .addColumn('public', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_party', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .execute()
}
