// The single-use tokens of the links in mails: a password reset, an address verification, an invitation. A token is 256
// random bits, sent once in the link and stored only as its SHA-256; a newer link of the same kind supersedes the older
// ones; taking a token is one conditional UPDATE, so two clicks on one link never both succeed.
import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { AccountTokenPurpose, Database } from '../db/schema.ts'
import { newId } from '../ids.ts'

/** The purposes one link can stand in for: an invitation sets a password as a reset does, so either supersedes the other. */
const SUPERSEDES: Record<AccountTokenPurpose, AccountTokenPurpose[]> = {
  reset: ['reset', 'invite'],
  invite: ['reset', 'invite'],
  verify: ['verify'],
}

/** The page of the web app each link opens. */
const PAGE: Record<AccountTokenPurpose, string> = { reset: 'reset-password', invite: 'reset-password', verify: 'verify-email' }

export interface LinkRequest {
  userId: string
  purpose: AccountTokenPurpose
  /** The address the link was mailed to (for verify: the address it proves). */
  email?: string | null
  ttlSeconds: number
}

export interface TakenLink {
  userId: string
  purpose: AccountTokenPurpose
  email: string | null
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Makes a link's token, superseding the user's unused ones of the same kind; returns the token, to be sent and forgotten. */
export async function issueLinkToken(db: Kysely<Database>, request: LinkRequest, now: number): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await db
    .updateTable('account_tokens')
    .set({ used_at: now })
    .where('user_id', '=', request.userId)
    .where('purpose', 'in', SUPERSEDES[request.purpose])
    .where('used_at', 'is', null)
    .execute()
  await db
    .insertInto('account_tokens')
    .values({
      id: newId(),
      user_id: request.userId,
      purpose: request.purpose,
      token_hash: tokenHash(token),
      email: request.email ?? null,
      created_at: now,
      expires_at: now + request.ttlSeconds * 1000,
      used_at: null,
    })
    .execute()
  return token
}

/**
 * Takes the token if it is one of `purposes`, unused and unexpired, and marks it used; null otherwise (unknown, used,
 * superseded or expired: the caller answers all of them alike). Pass the transaction of what the link does.
 */
export async function takeLinkToken(db: Kysely<Database>, token: string, purposes: AccountTokenPurpose[], now: number): Promise<TakenLink | null> {
  const row = await usableToken(db, token, purposes, now)
  if (!row) return null
  const taken = await db.updateTable('account_tokens').set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst()
  if (taken.numUpdatedRows !== 1n) return null
  return { userId: row.user_id, purpose: row.purpose, email: row.email }
}

/** What the token would stand for if taken now, without taking it (to check a new password before spending the link). */
export async function peekLinkToken(db: Kysely<Database>, token: string, purposes: AccountTokenPurpose[], now: number): Promise<TakenLink | null> {
  const row = await usableToken(db, token, purposes, now)
  return row ? { userId: row.user_id, purpose: row.purpose, email: row.email } : null
}

async function usableToken(db: Kysely<Database>, token: string, purposes: AccountTokenPurpose[], now: number) {
  return db
    .selectFrom('account_tokens')
    .select(['id', 'user_id', 'purpose', 'email'])
    .where('token_hash', '=', tokenHash(token))
    .where('purpose', 'in', purposes)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
}

/** `${PUBLIC_URL}/reset-password?token=…` or `${PUBLIC_URL}/verify-email?token=…`. */
export function linkUrl(publicUrl: string, purpose: AccountTokenPurpose, token: string): string {
  return `${publicUrl}/${PAGE[purpose]}?token=${token}`
}

/** Drops tokens that can no longer be used, a day after they stopped working (kept that long for a support question). */
export async function pruneLinkTokens(db: Kysely<Database>, now: number): Promise<void> {
  await db
    .deleteFrom('account_tokens')
    .where('expires_at', '<', now - 86_400_000)
    .execute()
}
