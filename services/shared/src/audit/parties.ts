// Who an audit event is about and who did it, as a person reads them: ids resolved to usernames and service client names,
// in two reads per page whatever its length.
import type { Kysely } from 'kysely'
import type { EventParty } from '../api/common.ts'
import type { Database } from '../db/schema.ts'

/** The actor id the commands (create-admin, rotate-keys, create-client) write. */
export const COMMAND_LINE_ACTOR = 'cli'

export interface PartyNames {
  party(id: string | null): EventParty | null
}

/** Resolves every id of the events at once: users by username, service clients by name, the command line by that name. */
export async function resolveParties(db: Kysely<Database>, events: ReadonlyArray<{ user_id: string | null; actor_id: string | null }>): Promise<PartyNames> {
  const ids = [...new Set(events.flatMap((event) => [event.user_id, event.actor_id]).filter((id): id is string => id !== null && id !== COMMAND_LINE_ACTOR))]
  const names = new Map<string, EventParty>([[COMMAND_LINE_ACTOR, { id: COMMAND_LINE_ACTOR, kind: 'system', name: 'command line' }]])
  if (ids.length > 0) {
    const [users, clients] = await Promise.all([
      db.selectFrom('users').select(['id', 'username']).where('id', 'in', ids).execute(),
      db.selectFrom('service_clients').select(['id', 'name']).where('id', 'in', ids).execute(),
    ])
    for (const client of clients) names.set(client.id, { id: client.id, kind: 'service', name: client.name })
    for (const user of users) names.set(user.id, { id: user.id, kind: 'user', name: user.username })
  }
  return { party: (id) => (id === null ? null : (names.get(id) ?? null)) }
}
