// POST /auth/refresh: trades a refresh token (cookie, JSON or Bearer header) for a new access token and a rotated refresh token.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { RefreshRequest, TokenResponse } from '@portcullis/shared/api/auth'
import { ProblemSchema } from '@portcullis/shared/api/common'
import { AccountDisabled, InvalidRefreshToken, RefreshTokenReused, SessionExpired, SessionRevoked, Unauthenticated } from '@portcullis/shared/errors'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { looksLikeRefreshToken } from '../sessions/refresh-token.ts'
import { revokeSession } from '@portcullis/shared/sessions/revoke'
import { rotateRefreshToken } from '../sessions/rotate.ts'
import { findUserById } from '../users/queries.ts'
import { acceptEmptyBody, clearRefreshCookie, presentedRefreshToken } from './refresh-cookie.ts'
import { tokenResponse } from './token-response.ts'

export async function refreshRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/refresh',
    {
      preValidation: acceptEmptyBody,
      schema: {
        tags: ['auth'],
        summary: 'Rotate the refresh token and get a new access token',
        body: RefreshRequest,
        response: { 200: TokenResponse, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request, reply) => {
      const presented = presentedRefreshToken(request, request.body)
      if (!presented) throw new Unauthenticated()
      const failed = (error: Error) => {
        if (presented.via === 'cookie') clearRefreshCookie(reply, app.authConfig.cookieSecure)
        return error
      }
      if (!looksLikeRefreshToken(presented.token)) throw failed(new InvalidRefreshToken())

      const now = app.now()
      const result = await rotateRefreshToken(app.db, presented.token, app.sessionPolicy, now)
      const origin = requestOrigin(request)
      // A disabled account is told so, whatever became of the session (disabling it revoked every session first).
      const user = result.kind === 'unknown' ? undefined : await findUserById(app.db, result.userId)
      if (result.kind !== 'unknown' && user?.status !== 'active') {
        if (result.kind === 'rotated') await revokeSession(app.db, result.sessionId, 'disabled', now, app.authConfig.accessTokenTtl)
        throw failed(new AccountDisabled())
      }
      switch (result.kind) {
        case 'unknown':
          throw failed(new InvalidRefreshToken())
        case 'revoked':
          throw failed(new SessionRevoked())
        case 'expired':
          throw failed(new SessionExpired())
        case 'reused':
          await recordAuditEvent(
            app.db,
            { type: 'refresh_reuse_detected', userId: result.userId, ip: origin.ip, userAgent: origin.userAgent, detail: { session_id: result.sessionId } },
            now,
          )
          throw failed(new RefreshTokenReused())
        case 'rotated': {
          if (!user) throw failed(new InvalidRefreshToken())
          const mode = presented.via === 'cookie' ? 'cookie' : 'token'
          return tokenResponse(app, reply, user, { sessionId: result.sessionId, refreshToken: result.refreshToken }, mode)
        }
      }
    },
  )
}
