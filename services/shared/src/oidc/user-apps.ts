// The apps a user signed in to with Portcullis, for their sessions page: every client they consented to or are signed in to
// (a first-party client is never asked), with what it may read and whether a sign-in is still live.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'

export interface UserApp {
  clientId: string
  name: string
  scopes: string[]
  consentedAt: number | null
  /** How many sign-ins (grants) are live, and when one was last used. */
  signIns: number
  lastUsedAt: number | null
}

export async function userApps(db: Kysely<Database>, userId: string): Promise<UserApp[]> {
  const [consents, signIns] = await Promise.all([
    db
      .selectFrom('oidc_consents as c')
      .innerJoin('oidc_clients as k', 'k.id', 'c.client_id')
      .select(['c.client_id', 'k.name', 'c.scopes', 'c.granted_at'])
      .where('c.user_id', '=', userId)
      .execute(),
    db
      .selectFrom('oidc_sign_ins as s')
      .innerJoin('oidc_clients as k', 'k.id', 's.client_id')
      .select(['s.client_id', 'k.name', (eb) => eb.fn.countAll<number>().as('count'), (eb) => eb.fn.max('s.last_used_at').as('last_used_at')])
      .where('s.user_id', '=', userId)
      .groupBy(['s.client_id', 'k.name'])
      .execute(),
  ])
  const apps = new Map<string, UserApp>()
  for (const row of consents)
    apps.set(row.client_id, {
      clientId: row.client_id,
      name: row.name,
      scopes: row.scopes.split(' ').filter(Boolean),
      consentedAt: Number(row.granted_at),
      signIns: 0,
      lastUsedAt: null,
    })
  for (const row of signIns) {
    const app = apps.get(row.client_id) ?? { clientId: row.client_id, name: row.name, scopes: [], consentedAt: null, signIns: 0, lastUsedAt: null }
    app.signIns = Number(row.count)
    app.lastUsedAt = row.last_used_at === null ? null : Number(row.last_used_at)
    apps.set(row.client_id, app)
  }
  return [...apps.values()].sort((a, b) => (b.lastUsedAt ?? b.consentedAt ?? 0) - (a.lastUsedAt ?? a.consentedAt ?? 0))
}
