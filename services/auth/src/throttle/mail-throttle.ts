// How often mails can be asked for (a reset link, a verification link again), in the login throttle's table under keys of
// their own: per client network, answered with 429 (which says nothing about any account), and per account, where the
// answer stays the same and only the mail is skipped (so the limit cannot tell anyone that the account exists).
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { clientNetwork } from '@portcullis/shared/net/client-network'
import { tooManyAttempts } from '../errors.ts'
import { countAttempt, secondsUntilAllowed } from './login-throttle.ts'

export type MailRequestKind = 'reset' | 'verify'

/** Requests from one network before the wait starts doubling (then up to 15 minutes). */
const FREE_PER_NETWORK = 10
/** Mails of one kind to one account before the next ones are skipped for a while. */
const FREE_PER_ACCOUNT = 3
const MAX_WAIT_SECONDS = 900

function networkKey(kind: MailRequestKind, ip: string): string {
  return `mail-${kind}-ip:${clientNetwork(ip)}`.slice(0, 320)
}

function accountKey(kind: MailRequestKind, userId: string): string {
  return `mail-${kind}-acct:${createHash('sha256').update(userId).digest('hex')}`
}

/** Counts the request against its network; throws too_many_attempts when that network must wait. */
export async function countMailRequest(db: Kysely<Database>, kind: MailRequestKind, ip: string, now: number): Promise<void> {
  const key = networkKey(kind, ip)
  const wait = await secondsUntilAllowed(db, [key], now)
  if (wait > 0) throw tooManyAttempts(wait)
  await countAttempt(db, key, FREE_PER_NETWORK, MAX_WAIT_SECONDS, now)
}

/** Whether a mail of `kind` may go to the account now; counts it when it may. */
export async function mayMailAccount(db: Kysely<Database>, kind: MailRequestKind, userId: string, now: number): Promise<boolean> {
  const key = accountKey(kind, userId)
  if ((await secondsUntilAllowed(db, [key], now)) > 0) return false
  await countAttempt(db, key, FREE_PER_ACCOUNT, MAX_WAIT_SECONDS, now)
  return true
}
