// What a user consented to give each OpenID Connect client: asked once per client and scope set (a client asking for more
// is asked again, for the new scopes), withdrawn from the profile, which also ends the client's sign-ins.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { endSignIns } from './sign-ins.ts'

function scopeList(scopes: string): string[] {
  return scopes.split(' ').filter((scope) => scope !== '')
}

/** The scopes the user consented to give the client, empty when none. */
export async function consentedScopes(db: Kysely<Database>, userId: string, clientId: string): Promise<string[]> {
  const row = await db.selectFrom('oidc_consents').select('scopes').where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst()
  return row ? scopeList(row.scopes) : []
}

/** Adds `scopes` to what the user consented to give the client. */
export async function recordConsent(db: Kysely<Database>, userId: string, clientId: string, scopes: readonly string[], now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const known = await consentedScopes(trx, userId, clientId)
    const all = [...new Set([...known, ...scopes])].join(' ')
    const updated = await trx
      .updateTable('oidc_consents')
      .set({ scopes: all, granted_at: now })
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .executeTakeFirst()
    if (Number(updated.numUpdatedRows) === 0)
      await trx.insertInto('oidc_consents').values({ user_id: userId, client_id: clientId, scopes: all, granted_at: now }).execute()
  })
}

/**
 * Withdraws the user's consent to the client and signs them out of it; false when there was neither. Given a transaction
 * (to write an audit event with it), it runs in that one.
 */
export async function withdrawConsent(db: Kysely<Database>, userId: string, clientId: string): Promise<boolean> {
  const withdraw = async (trx: Kysely<Database>) => {
    const removed = await trx.deleteFrom('oidc_consents').where('user_id', '=', userId).where('client_id', '=', clientId).executeTakeFirst()
    const ended = await endSignIns(trx, { userId, clientId })
    return Number(removed.numDeletedRows) > 0 || ended > 0
  }
  return db.isTransaction ? withdraw(db) : db.transaction().execute(withdraw)
}
