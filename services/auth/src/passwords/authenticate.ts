// Checks a login and password under the brute-force rules; unknown users and wrong passwords look and take the same.
import type { User } from '@portcullis/shared/db/schema'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { clearAccountFailures, recordLoginFailure, throttleKeys, throttleState } from '../throttle/login-throttle.ts'
import { findUserByLogin, setPasswordHash } from '../users/queries.ts'
import { AccountDisabled } from '@portcullis/shared/errors'
import { InvalidCredentials, tooManyAttempts } from '../errors.ts'
import type { AuthContext } from '../plugins/app/context.ts'

export async function authenticatePassword(auth: AuthContext, login: string, password: string, origin: RequestOrigin): Promise<User> {
  const { db, passwords } = auth
  const now = auth.now()
  // The account first (one read either way), so that its username and its email count against the same bucket.
  const user = await findUserByLogin(db, login)
  const keys = throttleKeys(user ? { userId: user.id } : { login }, origin.ip)
  const { waitSeconds: wait, counted } = await throttleState(db, [keys.accountAtIp, keys.ip], now)
  if (wait > 0) {
    await recordAuditEvent(
      db,
      { type: 'login_throttled', userId: user?.id ?? null, ip: origin.ip, userAgent: origin.userAgent, detail: { retry_after: wait } },
      now,
    )
    throw tooManyAttempts(wait)
  }

  const valid = user ? await passwords.verify(user.password_hash, password) : await passwords.verifyDecoy(password)
  if (!user || !valid) {
    await recordLoginFailure(db, keys, auth.throttleRules, now)
    await recordAuditEvent(
      db,
      {
        type: 'login_failed',
        userId: user?.id ?? null,
        ip: origin.ip,
        userAgent: origin.userAgent,
        detail: { reason: user ? 'wrong_password' : 'unknown_user' },
      },
      now,
    )
    throw new InvalidCredentials()
  }
  // Nothing to clear when the read found no failures of this account here (the usual sign-in): one statement fewer.
  if (counted.has(keys.accountAtIp)) await clearAccountFailures(db, keys)
  if (user.status !== 'active') {
    await recordAuditEvent(db, { type: 'login_failed', userId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { reason: 'disabled' } }, now)
    throw new AccountDisabled()
  }
  if (passwords.needsRehash(user.password_hash)) {
    const rehashed = await passwords.hash(password)
    await setPasswordHash(db, user.id, rehashed, now, false)
    user.password_hash = rehashed
  }
  return user
}
