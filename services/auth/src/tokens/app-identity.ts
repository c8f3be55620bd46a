// An app's signed identity of a signed-in user (POST /internal/identity): given only for a live session of the active user
// it names (the rule requireUser asks, sessions/signed-in.ts), for an audience that no access or service token has.
import { fieldProblem, validationFailed } from '@portcullis/shared/errors'
import type { AuthContext } from '../plugins/app/context.ts'
import { liveSessionUser, type SignedInUser } from '../sessions/signed-in.ts'
import { isReservedAudience } from './claims.ts'
import { signIdentityToken } from './issue.ts'

export interface AppIdentityRequest {
  userId: string
  sessionId: string
  /** The app's name. */
  audience: string
}

export interface AppIdentity extends SignedInUser {
  token: string
  expiresIn: number
}

/** The identity, or undefined when the session is not a live one of that active user; a reserved audience is a 422. */
export async function appIdentity(auth: AuthContext, asked: AppIdentityRequest): Promise<AppIdentity | undefined> {
  if (isReservedAudience(asked.audience, auth.authConfig.tokenAudience)) {
    throw validationFailed([fieldProblem('audience', 'is kept for access and service tokens: name an app', 'reserved', 'The audience')])
  }
  const user = await liveSessionUser(auth.db, asked.userId, asked.sessionId, auth.now(), auth.sessionPolicy)
  if (!user) return undefined
  const { token, expiresIn } = signIdentityToken(auth, { userId: asked.userId, sessionId: asked.sessionId, audience: asked.audience, ...user })
  return { ...user, token, expiresIn }
}
