// Refreshing a session: the presented refresh token is rotated (sessions/rotate.ts) and the session's user must still be
// active; every other outcome is the problem the client is told, and a reuse is audited. The rotation's one read brings the
// user and the session's proof along, so a refresh reads once and writes once (one transaction).
import type { User } from '@portcullis/shared/db/schema'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { AccountDisabled, type ProblemError, SessionRevoked } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { revokeSession } from '@portcullis/shared/sessions/revoke'
import { InvalidRefreshToken, RefreshTokenReused, SessionExpired } from '../errors.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { looksLikeRefreshToken } from './refresh-token.ts'
import type { CreatedSession } from './create.ts'
import { rotateRefreshToken } from './rotate.ts'

export type Refreshed = { ok: true; user: User; session: CreatedSession } | { ok: false; problem: ProblemError }

export async function refreshSession(auth: AuthContext, token: string, origin: RequestOrigin): Promise<Refreshed> {
  if (!looksLikeRefreshToken(token)) return { ok: false, problem: new InvalidRefreshToken() }
  const now = auth.now()
  const result = await rotateRefreshToken(auth.db, token, auth.sessionPolicy, now)
  // A disabled account is told so, whatever became of the session (disabling it revoked every session first).
  if (result.kind !== 'unknown' && result.user.status !== 'active') {
    if (result.kind === 'rotated') await revokeSession(auth.db, result.sessionId, 'disabled', now, auth.authConfig.accessTokenTtl)
    return { ok: false, problem: new AccountDisabled() }
  }
  switch (result.kind) {
    case 'unknown':
      return { ok: false, problem: new InvalidRefreshToken() }
    case 'revoked':
      return { ok: false, problem: new SessionRevoked() }
    case 'expired':
      return { ok: false, problem: new SessionExpired() }
    case 'reused':
      await recordAuditEvent(
        auth.db,
        { type: 'refresh_reuse_detected', userId: result.userId, ip: origin.ip, userAgent: origin.userAgent, detail: { session_id: result.sessionId } },
        now,
      )
      return { ok: false, problem: new RefreshTokenReused() }
    case 'rotated':
      return { ok: true, user: result.user, session: { sessionId: result.sessionId, refreshToken: result.refreshToken, proof: result.proof } }
  }
}
