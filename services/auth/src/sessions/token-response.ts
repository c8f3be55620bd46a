// The answer of login and refresh: an access token, the user, and the refresh token in the body, or, in cookie mode, both
// tokens in the session's cookies (session-cookies.ts).
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { SessionMode, User } from '@portcullis/shared/db/schema'
import type { TokenResponse } from '@portcullis/shared/api/auth'
import { toPublicUser } from '@portcullis/shared/users/public-user'
import type { CreatedSession } from './create.ts'
import { setSessionCookies } from './session-cookies.ts'

export function tokenResponse(app: FastifyInstance, reply: FastifyReply, user: User, session: CreatedSession, mode: SessionMode): TokenResponse {
  const response: TokenResponse = {
    access_token: app.issueAccessToken(user, session.sessionId, session.proof),
    token_type: 'Bearer',
    expires_in: app.authConfig.accessTokenTtl,
    user: toPublicUser(user),
  }
  if (mode === 'cookie') {
    setSessionCookies(reply, { accessToken: response.access_token, refreshToken: session.refreshToken }, app.authConfig)
  } else {
    response.refresh_token = session.refreshToken
  }
  reply.header('cache-control', 'no-store')
  return response
}
