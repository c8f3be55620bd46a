// POST /internal/oauth/token: the OAuth2 client-credentials grant that gives other services their service tokens.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { ClientCredentialsRequest, ServiceTokenResponse } from '@portcullis/shared/api/auth'
import { ValidationFailed } from '@portcullis/shared/errors'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { basicCredentials, grantClientCredentials } from '../../clients/grant.ts'
import { InvalidClient, UnsupportedGrantType } from '../../errors.ts'

export async function serviceTokenRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/internal/oauth/token',
    {
      // Another grant carries its own fields (username, password, code...): name the grant as the problem, not those fields.
      preValidation: async (request) => {
        const grantType = (request.body as { grant_type?: unknown } | null | undefined)?.grant_type
        if (typeof grantType === 'string' && grantType !== 'client_credentials') throw new UnsupportedGrantType()
      },
      schema: {
        tags: ['internal'],
        summary: 'Client-credentials grant for service clients',
        body: ClientCredentialsRequest,
        response: { 200: ServiceTokenResponse, ...problemResponses(UnsupportedGrantType, InvalidClient, ValidationFailed) },
      },
    },
    async (request, reply) => {
      if (request.body.grant_type !== 'client_credentials') throw new UnsupportedGrantType()
      const basic = basicCredentials(request.headers.authorization)
      const { clientId, scopes } = await grantClientCredentials(app.db, {
        clientId: basic?.id ?? request.body.client_id,
        clientSecret: basic?.secret ?? request.body.client_secret,
        scope: request.body.scope,
      })
      const { token, expiresIn } = app.issueServiceToken(clientId, scopes)
      reply.header('cache-control', 'no-store')
      return { access_token: token, token_type: 'Bearer' as const, expires_in: expiresIn, scope: scopes.join(' ') }
    },
  )
}
