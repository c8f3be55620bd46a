// POST /auth/refresh: trades a refresh token (cookie, JSON or Bearer header) for a new access token and a rotated refresh token.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { RefreshRequest, TokenResponse } from '@portcullis/shared/api/auth'
import { AccountDisabled, SessionRevoked, Unauthenticated } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { CsrfRejected, InvalidRefreshToken, RefreshTokenReused, SessionExpired } from '../errors.ts'
import { refreshSession } from '../sessions/refresh.ts'
import { acceptEmptyBody, presentedRefreshToken } from '../sessions/refresh-cookie.ts'
import { clearSessionCookies } from '../sessions/session-cookies.ts'
import { tokenResponse } from '../sessions/token-response.ts'

export async function refreshRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/auth/refresh',
    {
      preValidation: acceptEmptyBody,
      schema: {
        tags: ['auth'],
        summary: 'Rotate the refresh token and get a new access token',
        body: RefreshRequest,
        response: {
          200: TokenResponse,
          ...problemResponses(Unauthenticated, InvalidRefreshToken, SessionRevoked, SessionExpired, RefreshTokenReused, AccountDisabled, CsrfRejected),
        },
      },
    },
    async (request, reply) => {
      const presented = presentedRefreshToken(request, request.body)
      if (!presented) throw new Unauthenticated()
      const refreshed = await refreshSession(app, presented.token, requestOrigin(request))
      if (!refreshed.ok) {
        // A cookie that cannot refresh is of no more use to the browser, nor is the access cookie of its session.
        if (presented.via === 'cookie') clearSessionCookies(reply, app.authConfig)
        throw refreshed.problem
      }
      const mode = presented.via === 'cookie' ? 'cookie' : 'token'
      return tokenResponse(app, reply, refreshed.user, refreshed.session, mode)
    },
  )
}
