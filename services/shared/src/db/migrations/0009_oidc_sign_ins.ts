// Signing in with Portcullis (issue 16): which Portcullis session each OpenID Connect grant was made in (so that ending the
// session, signing out everywhere, a password reset or a disable ends the apps signed in with it), what each user consented
// to per client (asked once per client and scope set, withdrawn from the profile), and the provider's cookie keys, shared by
// every instance and kept across restarts.
import type { Kysely } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oidc_sign_ins')
    .addColumn('grant_id', 'varchar(255)', (c) => c.primaryKey())
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull().references('oidc_clients.id').onDelete('cascade'))
    .addColumn('session_id', 'varchar(36)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('oidc_sign_ins_user').on('oidc_sign_ins').columns(['user_id', 'client_id']).execute()
  await db.schema.createIndex('oidc_sign_ins_session').on('oidc_sign_ins').column('session_id').execute()

  await db.schema
    .createTable('oidc_consents')
    .addColumn('user_id', 'varchar(36)', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'varchar(64)', (c) => c.notNull().references('oidc_clients.id').onDelete('cascade'))
    // The scopes consented to, space-separated, in order.
    .addColumn('scopes', 'varchar(1024)', (c) => c.notNull())
    .addColumn('granted_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('oidc_consents_pk', ['user_id', 'client_id'])
    .execute()

  await db.schema
    .createTable('oidc_secrets')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
}
