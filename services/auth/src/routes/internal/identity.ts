// POST /internal/identity: the gateway asks for a signed identity of a signed-in user for one app, which it passes on as
// X-Portcullis-Identity. A session that is not live, or not that user's, or a user who is not active: 404.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { Forbidden, InvalidToken, NotFound, TokenExpired, Unauthenticated, ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { appIdentity } from '../../tokens/app-identity.ts'
import { APP_AUDIENCE_PATTERN, IDENTITY_TOKEN_TTL } from '../../tokens/claims.ts'

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$', errorMessage: 'must be an id of letters, digits and dashes' })

const IdentityRequest = Type.Object(
  {
    user_id: { ...Id, title: 'User id' },
    session_id: { ...Id, title: 'Session id' },
    audience: Type.String({
      pattern: APP_AUDIENCE_PATTERN,
      title: 'Audience',
      description: "the app's name: the token's aud",
      errorMessage: 'must be an app name: a lowercase letter, then up to 62 lowercase letters, digits or dashes',
    }),
  },
  { additionalProperties: false },
)
const IdentityResponse = Type.Object({
  token: Type.String({ description: 'a JWT signed as access tokens are: aud the app, token_use "identity", sub, sid, role, preferred_username' }),
  username: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  expires_in: Type.Integer({ description: `seconds: ${IDENTITY_TOKEN_TTL}` }),
})
export async function identityRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/internal/identity',
    {
      preHandler: app.requireService('identity:issue'),
      logLevel: 'warn',
      schema: {
        tags: ['internal'],
        summary: "A signed identity of a user's live session for one app",
        body: IdentityRequest,
        response: { 200: IdentityResponse, ...problemResponses(Unauthenticated, InvalidToken, TokenExpired, Forbidden, NotFound, ValidationFailed) },
      },
    },
    async (request, reply) => {
      const { user_id, session_id, audience } = request.body
      const identity = await appIdentity(app, { userId: user_id, sessionId: session_id, audience })
      if (!identity) throw new NotFound()
      reply.header('cache-control', 'no-store')
      return { token: identity.token, username: identity.username, role: identity.role, expires_in: identity.expiresIn }
    },
  )
}
