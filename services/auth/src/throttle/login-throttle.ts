// Brute-force protection for login: growing back-off per (account, IP) pair and per IP.
// The account key is paired with the IP so that failures from one place can never lock the owner out from everywhere.
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { isUniqueViolation } from '@portcullis/shared/db/handle'
import { clientNetwork } from '@portcullis/shared/net/client-network'

export interface ThrottleRules {
  accountFreeFailures: number
  ipFreeFailures: number
  maxBackoffSeconds: number
}

/** Failures older than this are forgotten. */
const FAILURE_MEMORY_MS = 15 * 60 * 1000

export interface ThrottleKeys {
  accountAtIp: string
  ip: string
}

/**
 * The keys one attempt counts against, per client network (an IPv4 address, or an IPv6 /64: clientNetwork). An account that exists is keyed by its id, so its username, its email and any way of
 * writing them share one bucket; a login that matches no account is keyed by its text (so guessing names costs the same).
 */
export function throttleKeys(account: { userId: string } | { login: string }, ip: string): ThrottleKeys {
  const network = clientNetwork(ip)
  return { accountAtIp: `${accountKeyPrefix(account)}${network}`.slice(0, 320), ip: `ip:${network}`.slice(0, 320) }
}

/** Where every key of one account begins, whatever the network: `acct:<sha256>:`. */
function accountKeyPrefix(account: { userId: string } | { login: string }): string {
  const subject = 'userId' in account ? `user:${account.userId}` : `login:${account.login.trim().toLowerCase()}`
  return `acct:${createHash('sha256').update(subject).digest('hex')}:`
}

/** Seconds until another attempt is allowed, or 0 when one is allowed now. */
export async function secondsUntilAllowed(db: Kysely<Database>, keys: ThrottleKeys | string[], now: number): Promise<number> {
  return (await throttleState(db, Array.isArray(keys) ? keys : [keys.accountAtIp, keys.ip], now)).waitSeconds
}

/** What the keys' rows say now: the wait before another attempt, and which keys have failures counted at all. */
export async function throttleState(db: Kysely<Database>, keys: string[], now: number): Promise<{ waitSeconds: number; counted: Set<string> }> {
  const rows = await db.selectFrom('login_throttle').select(['key', 'blocked_until']).where('key', 'in', keys).execute()
  const until = Math.max(0, ...rows.map((row) => Number(row.blocked_until)))
  return { waitSeconds: until > now ? Math.ceil((until - now) / 1000) : 0, counted: new Set(rows.map((row) => row.key)) }
}

export async function recordLoginFailure(db: Kysely<Database>, keys: ThrottleKeys, rules: ThrottleRules, now: number): Promise<void> {
  await countAttempt(db, keys.accountAtIp, rules.accountFreeFailures, rules.maxBackoffSeconds, now)
  await countAttempt(db, keys.ip, rules.ipFreeFailures, rules.maxBackoffSeconds, now)
}

export async function clearAccountFailures(db: Kysely<Database>, keys: ThrottleKeys): Promise<void> {
  await db.deleteFrom('login_throttle').where('key', '=', keys.accountAtIp).execute()
}

/** Forgets the account's failed logins from every network: a password reset proves the owner, wherever they are. */
export async function clearAllAccountFailures(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .deleteFrom('login_throttle')
    .where('key', 'like', `${accountKeyPrefix({ userId })}%`)
    .execute()
}

/** The first `free` failures cost nothing; then each one doubles the wait, up to the cap. */
export function backoffUntil(failures: number, free: number, maxBackoffSeconds: number, now: number): number {
  if (failures < free) return 0
  const seconds = Math.min(maxBackoffSeconds, 2 ** Math.min(failures - free, 30))
  return now + seconds * 1000
}

/** Counts one attempt against `key` (remembered FAILURE_MEMORY_MS): past `free` of them, each doubles the wait. */
export async function countAttempt(db: Kysely<Database>, key: string, free: number, maxBackoffSeconds: number, now: number): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst()
    if (!row) {
      try {
        await db
          .insertInto('login_throttle')
          .values({ key, failures: 1, last_failure_at: now, blocked_until: backoffUntil(1, free, maxBackoffSeconds, now) })
          .execute()
        return
      } catch (error) {
        if (isUniqueViolation(error)) continue
        throw error
      }
    }
    const failures = now - Number(row.last_failure_at) > FAILURE_MEMORY_MS ? 1 : Number(row.failures) + 1
    const result = await db
      .updateTable('login_throttle')
      .set({ failures, last_failure_at: now, blocked_until: backoffUntil(failures, free, maxBackoffSeconds, now) })
      .where('key', '=', key)
      .where('failures', '=', row.failures)
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) > 0) return
  }
}

export async function pruneThrottle(db: Kysely<Database>, now: number): Promise<void> {
  await db
    .deleteFrom('login_throttle')
    .where('last_failure_at', '<', now - FAILURE_MEMORY_MS)
    .where('blocked_until', '<', now)
    .execute()
}
