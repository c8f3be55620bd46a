// Step-up: what changes the account's credentials (the password, the email, the second factors) needs the user to have
// proven themselves recently on this session, not just to hold a token of it. The access token's auth_time says when;
// STEP_UP_MAX_AGE says how recent is recent. The refusal is RFC 9470's: 401, error="insufficient_user_authentication".
import { type ProblemError, ReauthenticationRequired } from '../errors.ts'
import type { Principal } from './principal.ts'

/** Whether the principal proved themselves within the last `maxAgeSeconds` (a minute of clock skew tolerated ahead). */
export function isRecentAuth(principal: Pick<Principal, 'authTime'>, maxAgeSeconds: number, now: number): boolean {
  return principal.authTime > 0 && now - principal.authTime <= maxAgeSeconds * 1000
}

export function reauthenticationRequired(maxAgeSeconds: number): ProblemError {
  return Object.assign(new ReauthenticationRequired(), {
    wwwAuthenticate: `Bearer error="insufficient_user_authentication", error_description="a more recent authentication is required", max_age=${maxAgeSeconds}`,
  })
}

/** Throws the step-up refusal unless the principal's last proof is recent enough. */
export function requireRecentAuth(principal: Pick<Principal, 'authTime'>, maxAgeSeconds: number, now: number): void {
  if (!isRecentAuth(principal, maxAgeSeconds, now)) throw reauthenticationRequired(maxAgeSeconds)
}
