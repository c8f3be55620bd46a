// Housekeeping: the provider's expired state (codes, tokens, sessions, interactions and grants past their expires_at, which
// the adapter already never returns) is deleted, a bounded batch at a time, and so are the sign-ins whose grant is gone, so
// the sessions page does not list apps that can no longer refresh. Every instance may sweep; a row deleted twice is no harm.
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'

const BATCH = 1000
/** At most this many batches a sweep; the next one takes the rest. */
const MAX_BATCHES = 20

export interface SweepResult {
  payloads: number
  signIns: number
}

export async function sweepExpired(db: Kysely<Database>, now: number): Promise<SweepResult> {
  let payloads = 0
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    const expired = await db.selectFrom('oidc_payloads').select(['model', 'id']).where('expires_at', '<=', now).limit(BATCH).execute()
    if (expired.length === 0) break
    for (const model of new Set(expired.map((row) => row.model))) {
      const ids = expired.filter((row) => row.model === model).map((row) => row.id)
      await db.deleteFrom('oidc_payloads').where('model', '=', model).where('id', 'in', ids).where('expires_at', '<=', now).execute()
    }
    payloads += expired.length
    if (expired.length < BATCH) break
  }
  const orphaned = await db
    .deleteFrom('oidc_sign_ins')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('oidc_payloads as p').select('p.id').where('p.model', '=', 'Grant').whereRef('p.id', '=', 'oidc_sign_ins.grant_id'))),
    )
    .executeTakeFirst()
  return { payloads, signIns: Number(orphaned.numDeletedRows) }
}
