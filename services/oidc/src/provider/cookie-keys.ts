// The keys oidc-provider signs its cookies with (its session and interaction cookies): one secret made at the first start and
// kept in the database (oidc_secrets), so that every instance, and the same one after a restart, accepts what another set.
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { isUniqueViolation } from '@portcullis/shared/db/handle'
import type { Database } from '@portcullis/shared/db/schema'

const COOKIE_KEY = 'cookie_key'

export async function providerCookieKeys(db: Kysely<Database>, now: number): Promise<string[]> {
  const known = await db.selectFrom('oidc_secrets').select('value').where('name', '=', COOKIE_KEY).executeTakeFirst()
  if (known) return [known.value]
  const value = randomBytes(32).toString('base64url')
  try {
    await db.insertInto('oidc_secrets').values({ name: COOKIE_KEY, value, created_at: now }).execute()
    return [value]
  } catch (error) {
    // Another instance made it first: use that one.
    if (!isUniqueViolation(error)) throw error
    const made = await db.selectFrom('oidc_secrets').select('value').where('name', '=', COOKIE_KEY).executeTakeFirstOrThrow()
    return [made.value]
  }
}
