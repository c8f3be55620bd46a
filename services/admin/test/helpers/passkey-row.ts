// A registered passkey, written straight into the table as auth's registration would write it: the admin service only
// ever asks whether a user has one, and removes them at a reset.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'

export async function insertPasskey(db: Kysely<Database>, userId: string, name = 'Laptop'): Promise<void> {
  const id = newId()
  await db
    .insertInto('passkeys')
    .values({
      id,
      user_id: userId,
      credential_hash: id.replaceAll('-', '').padEnd(64, '0'),
      credential_id: `credential-${id}`,
      public_key: 'public-key',
      counter: 0,
      transports: 'internal',
      device_type: 'multiDevice',
      backed_up: 1,
      aaguid: null,
      name,
      created_at: Date.now(),
      last_used_at: null,
    })
    .execute()
}
