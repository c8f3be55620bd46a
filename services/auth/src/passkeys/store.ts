// A user's passkeys in the database: found by the SHA-256 of the credential id, listed for the profile, renamed, removed,
// and their signature counter moved on at each use by one conditional UPDATE (two answers with the same counter: one wins).
import { createHash } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import type { Passkey } from '@portcullis/shared/api/passkeys'
import type { Database, PasskeysTable } from '@portcullis/shared/db/schema'

export type PasskeyRow = Selectable<PasskeysTable>

export function credentialHash(credentialId: string): string {
  return createHash('sha256').update(credentialId).digest('hex')
}

export function passkeyTransports(row: Pick<PasskeyRow, 'transports'>): string[] | undefined {
  return row.transports ? row.transports.split(',') : undefined
}

export function toPublicPasskey(row: PasskeyRow): Passkey {
  return {
    id: row.id,
    name: row.name,
    created_at: new Date(Number(row.created_at)).toISOString(),
    last_used_at: row.last_used_at === null ? null : new Date(Number(row.last_used_at)).toISOString(),
    synced: row.device_type === 'multiDevice' && Number(row.backed_up) === 1,
  }
}

export async function listPasskeys(db: Kysely<Database>, userId: string): Promise<PasskeyRow[]> {
  return db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute()
}

export async function findPasskeyByCredential(db: Kysely<Database>, credentialId: string): Promise<PasskeyRow | undefined> {
  return db.selectFrom('passkeys').selectAll().where('credential_hash', '=', credentialHash(credentialId)).executeTakeFirst()
}

export async function findOwnPasskey(db: Kysely<Database>, userId: string, id: string): Promise<PasskeyRow | undefined> {
  return db.selectFrom('passkeys').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
}

export async function insertPasskey(db: Kysely<Database>, row: PasskeyRow): Promise<void> {
  await db.insertInto('passkeys').values(row).execute()
}

export async function renamePasskey(db: Kysely<Database>, userId: string, id: string, name: string): Promise<boolean> {
  const result = await db.updateTable('passkeys').set({ name }).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function deletePasskey(db: Kysely<Database>, userId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst()
  return result.numDeletedRows > 0n
}

/** Records a use: the new counter and backup state, only if the counter is still the one the answer was checked against. */
export async function recordPasskeyUse(
  db: Kysely<Database>,
  passkey: Pick<PasskeyRow, 'id' | 'counter'>,
  use: { counter: number; backedUp: boolean },
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('passkeys')
    .set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, last_used_at: now })
    .where('id', '=', passkey.id)
    .where('counter', '=', passkey.counter)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}
