// POST /internal/oauth/token: the OAuth2 client-credentials grant that gives other services their service tokens.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ClientCredentialsRequest, ServiceTokenResponse } from '@portcullis/shared/api/auth'
import { ProblemSchema } from '@portcullis/shared/api/common'
import { InvalidClient, UnsupportedGrantType } from '@portcullis/shared/errors'
import { authenticateServiceClient } from '../../clients/service-clients.ts'

function basicCredentials(request: FastifyRequest): { id: string; secret: string } | undefined {
  const header = request.headers.authorization
  if (!header?.startsWith('Basic ')) return undefined
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) return undefined
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) }
  } catch {
    // Malformed percent-encoding (URIError) is a client that failed to authenticate, not a server error.
    throw new InvalidClient()
  }
}

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
        response: { 200: ServiceTokenResponse, 400: ProblemSchema, 401: ProblemSchema },
      },
    },
    async (request, reply) => {
      if (request.body.grant_type !== 'client_credentials') throw new UnsupportedGrantType()
      const basic = basicCredentials(request)
      const clientId = basic?.id ?? request.body.client_id
      const clientSecret = basic?.secret ?? request.body.client_secret
      if (!clientId || !clientSecret) throw new InvalidClient()
      const client = await authenticateServiceClient(app.db, clientId, clientSecret)
      if (!client) throw new InvalidClient()
      const granted = client.scopes.split(' ').filter(Boolean)
      const requested = request.body.scope?.split(' ').filter(Boolean)
      const scopes = requested ? granted.filter((scope) => requested.includes(scope)) : granted
      const { token, expiresIn } = app.issueServiceToken(client.id, scopes)
      reply.header('cache-control', 'no-store')
      return { access_token: token, token_type: 'Bearer' as const, expires_in: expiresIn, scope: scopes.join(' ') }
    },
  )
}
