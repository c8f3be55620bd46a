// Signing keys in the shared database, so that every auth instance signs with the same set.
import type { Kysely } from 'kysely'
import type { SigningAlgorithm } from '../settings/signing-keys.ts'
import type { Database, SigningKeyRow } from '../db/schema.ts'
import { generateSigningKey } from './generate.ts'
import { isWrappedWithCurrent, type KeyWrapping, unwrapPrivateKey, wrapPrivateKey } from './private-key-wrapping.ts'

/** Keys still worth publishing: active ones, and retired ones whose last tokens may not have expired yet. */
export async function loadPublishedKeys(db: Kysely<Database>, now: number, accessTokenTtl: number): Promise<SigningKeyRow[]> {
  const oldestUseful = now - (accessTokenTtl + 60) * 1000
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retired_at', 'is', null), eb('retired_at', '>', oldestUseful)]))
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .execute()
}

export async function insertSigningKey(db: Kysely<Database>, alg: SigningAlgorithm, now: number, wrapping: KeyWrapping): Promise<string> {
  const key = generateSigningKey(alg)
  await db
    .insertInto('signing_keys')
    .values({
      kid: key.kid,
      alg: key.alg,
      public_jwk: JSON.stringify(key.publicJwk),
      private_pem: wrapPrivateKey(key.privatePem, key.kid, wrapping),
      created_at: now,
      retired_at: null,
    })
    .execute()
  return key.kid
}

/** Creates the first key when none is active. Two instances racing here both succeed: both keys are published. */
export async function ensureActiveKey(db: Kysely<Database>, alg: SigningAlgorithm, now: number, wrapping: KeyWrapping): Promise<void> {
  await rewrapSigningKeys(db, wrapping)
  const active = await db.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).executeTakeFirst()
  if (!active) await insertSigningKey(db, alg, now, wrapping)
}

/**
 * Stores every private key as the current setting says: wrapped with KEY_ENCRYPTION_KEY (unwrapping with it or a previous
 * one), or left as it is. Throws SigningKeyUnreadable for a key no configured key-encryption key can open. Returns how many
 * rows it rewrote.
 */
export async function rewrapSigningKeys(db: Kysely<Database>, wrapping: KeyWrapping): Promise<number> {
  const rows = await db.selectFrom('signing_keys').select(['kid', 'private_pem']).execute()
  let rewrapped = 0
  for (const row of rows) {
    const pem = unwrapPrivateKey(row.private_pem, row.kid, wrapping)
    if (isWrappedWithCurrent(row.private_pem, wrapping)) continue
    await db
      .updateTable('signing_keys')
      .set({ private_pem: wrapPrivateKey(pem, row.kid, wrapping) })
      .where('kid', '=', row.kid)
      .execute()
    rewrapped++
  }
  return rewrapped
}

/** Adds a new signing key and retires the others; retired keys stay published until their tokens have expired. */
export async function rotateSigningKeys(
  db: Kysely<Database>,
  alg: SigningAlgorithm,
  now: number,
  wrapping: KeyWrapping,
): Promise<{ kid: string; retired: string[] }> {
  return db.transaction().execute(async (trx) => {
    const previous = await trx.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).execute()
    const kid = await insertSigningKey(trx, alg, now, wrapping)
    if (previous.length > 0) {
      await trx
        .updateTable('signing_keys')
        .set({ retired_at: now })
        .where(
          'kid',
          'in',
          previous.map((row) => row.kid),
        )
        .execute()
    }
    return { kid, retired: previous.map((row) => row.kid) }
  })
}
