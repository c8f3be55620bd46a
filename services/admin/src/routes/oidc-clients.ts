// /admin/oidc-clients: the apps that sign their users in with Portcullis (OpenID Connect clients): the list, a new one (its
// secret shown once), a change (name, redirect URIs, first-party, disabled), a new secret (shown once, the old one refused).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import {
  OidcClientChangeRequest,
  OidcClientCreatedResponse,
  OidcClientCreateRequest,
  OidcClientIdParams,
  OidcClientListResponse,
  OidcClientSchema,
  OidcClientSecretResponse,
} from '@portcullis/shared/api/oidc-clients'
import { NotFound, ValidationFailed } from '@portcullis/shared/errors'
import { listOidcClients } from '@portcullis/shared/oidc/clients'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { OidcClientNameTaken, OidcClientPublic } from '../errors.ts'
import { toOidcClientBody } from '../oidc-clients/client-body.ts'
import { changeOidcClient, createOidcClient, renewOidcClientSecret } from '../oidc-clients/manage-clients.ts'
import { ADMIN_REFUSALS, ADMIN_ROUTE, adminOnly } from '../plugins/app/admin-access.ts'
import { requestActor } from '../users/actor.ts'

export async function oidcClientRoutes(app: FastifyInstance): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()
  routes.get(
    '/admin/oidc-clients',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: 'Every OpenID Connect client (app), by name',
        response: { 200: OidcClientListResponse, ...problemResponses(...ADMIN_REFUSALS) },
      },
    },
    async () => ({ clients: (await listOidcClients(app.db)).map(toOidcClientBody) }),
  )
  routes.post(
    '/admin/oidc-clients',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: 'Register an OpenID Connect client; a confidential one gets its secret, shown only in this answer',
        body: OidcClientCreateRequest,
        response: { 201: OidcClientCreatedResponse, ...problemResponses(...ADMIN_REFUSALS, OidcClientNameTaken, ValidationFailed) },
      },
    },
    async (request, reply) => {
      const { client, clientSecret } = await createOidcClient(app.database, request.body, requestActor(request), app.now())
      return reply.code(201).send({ client: toOidcClientBody(client), client_secret: clientSecret ?? null })
    },
  )
  routes.patch(
    '/admin/oidc-clients/:id',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: "Change an OpenID Connect client's name, redirect URIs or first-party mark, or disable it (ending every sign-in to it) or enable it",
        params: OidcClientIdParams,
        body: OidcClientChangeRequest,
        response: { 200: OidcClientSchema, ...problemResponses(...ADMIN_REFUSALS, NotFound, OidcClientNameTaken, ValidationFailed) },
      },
    },
    async (request) => toOidcClientBody(await changeOidcClient(app.database, request.params.id, request.body, requestActor(request), app.now())),
  )
  routes.post(
    '/admin/oidc-clients/:id/secret',
    {
      preHandler: adminOnly(app),
      schema: {
        ...ADMIN_ROUTE,
        summary: 'Give a confidential OpenID Connect client a new secret, shown only in this answer; the old one is refused from now on',
        params: OidcClientIdParams,
        response: { 200: OidcClientSecretResponse, ...problemResponses(...ADMIN_REFUSALS, NotFound, OidcClientPublic, ValidationFailed) },
      },
    },
    async (request) => {
      const { client, clientSecret } = await renewOidcClientSecret(app.database, request.params.id, requestActor(request), app.now())
      return { client: toOidcClientBody(client), client_secret: clientSecret }
    },
  )
}
