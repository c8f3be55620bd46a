// The provider's interaction: where oidc-provider sends a browser to sign in to another app (interactions.url), and what the
// consent page (web: /consent/:uid) asks and answers. A browser signed in to Portcullis is not asked for its password again;
// one that is not goes to the login page and comes back (next=); consent is asked once per client and scope set, never for
// a first-party client; every consent given or refused is audited.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Kysely } from 'kysely'
import type Provider from 'oidc-provider'
import type { InteractionResults } from 'oidc-provider'
import { ConsentDecision, InteractionDetails, InteractionParams, InteractionRedirect } from '@portcullis/shared/api/oidc'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { Database } from '@portcullis/shared/db/schema'
import { ReauthenticationRequired, Unauthenticated } from '@portcullis/shared/errors'
import { consentedScopes, recordConsent } from '@portcullis/shared/oidc/consents'
import { recordSignIn } from '@portcullis/shared/oidc/sign-ins'
import { problemResponses } from '@portcullis/shared/problems/responses'
import { requestOrigin } from '@portcullis/shared/request-origin'
import { isFromThisOrigin } from '@portcullis/shared/same-origin'
import { CrossSiteConsent, InteractionNotFound } from '../errors.ts'
import type { PortcullisSignIn, SignInReader } from '../sign-in/portcullis-sign-in.ts'
import { grantConsent } from './grant.ts'
import { type NextStep, nextStep, type PendingInteraction } from './next-step.ts'

export const INTERACTION_PATH = '/oidc/interaction'

/** Where the web app signs a browser in, and where it asks for consent. */
const LOGIN_PAGE = '/login'
const CONSENT_PAGE = '/consent'

export interface InteractionDeps {
  provider: () => Provider
  readSignIn: SignInReader
  db: Kysely<Database>
  now: () => number
}

interface ClientFacts {
  clientId: string
  name: string
  firstParty: boolean
}

export async function interactionRoutes(app: FastifyInstance, deps: InteractionDeps): Promise<void> {
  const routes = app.withTypeProvider<TypeBoxTypeProvider>()

  /** The provider's interaction this browser holds under `uid` (its _interaction cookie), or 404. */
  async function pendingInteraction(request: FastifyRequest, reply: FastifyReply, uid: string): Promise<PendingInteraction> {
    let details: Awaited<ReturnType<Provider['interactionDetails']>>
    try {
      details = await deps.provider().interactionDetails(request.raw, reply.raw)
    } catch {
      throw new InteractionNotFound()
    }
    if (details.uid !== uid) throw new InteractionNotFound()
    return details as unknown as PendingInteraction
  }

  async function clientOf(interaction: PendingInteraction): Promise<ClientFacts> {
    const clientId = String(interaction.params.client_id)
    const row = await deps.db.selectFrom('oidc_clients').select(['id', 'name', 'first_party']).where('id', '=', clientId).executeTakeFirst()
    if (!row) throw new InteractionNotFound()
    return { clientId: row.id, name: row.name, firstParty: row.first_party === 1 }
  }

  async function stepFor(interaction: PendingInteraction, signIn: PortcullisSignIn | undefined, client: ClientFacts): Promise<NextStep> {
    const consented = signIn ? await consentedScopes(deps.db, signIn.userId, client.clientId) : []
    return nextStep(interaction, signIn, { firstParty: client.firstParty, consented }, deps.now())
  }

  /** Tells the provider the interaction's result; the URL the browser goes to next (back to /oidc/auth, then the app). */
  async function finish(request: FastifyRequest, reply: FastifyReply, result: InteractionResults): Promise<string> {
    return deps.provider().interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false })
  }

  /** The login result; a grant the app already holds for this user now follows the session they signed in with. */
  async function finishLogin(
    request: FastifyRequest,
    reply: FastifyReply,
    interaction: PendingInteraction,
    signIn: PortcullisSignIn,
    result: InteractionResults,
  ) {
    if (interaction.grantId !== undefined) {
      const grant = await deps.provider().Grant.find(interaction.grantId)
      if (grant?.accountId === signIn.userId && grant.clientId !== undefined) {
        await recordSignIn(deps.db, { grantId: interaction.grantId, userId: signIn.userId, clientId: grant.clientId, sessionId: signIn.sessionId }, deps.now())
      }
    }
    return finish(request, reply, result)
  }

  async function finishGrant(request: FastifyRequest, reply: FastifyReply, interaction: PendingInteraction, signIn: PortcullisSignIn) {
    return finish(request, reply, await grantConsent(deps.provider(), deps.db, interaction, signIn, deps.now()))
  }

  /** The signed-in user an answer comes from; an answer carried by the cookie alone must come from a page of this site. */
  async function answeringUser(request: FastifyRequest): Promise<PortcullisSignIn> {
    const signIn = await deps.readSignIn(request.headers)
    if (!signIn) throw new Unauthenticated()
    if (signIn.via === 'cookie' && !isFromThisOrigin(request.headers, request.host)) throw new CrossSiteConsent()
    return signIn
  }

  routes.get(`${INTERACTION_PATH}/:uid`, { schema: { hide: true, params: InteractionParams } }, async (request, reply) => {
    const { uid } = request.params
    const interaction = await pendingInteraction(request, reply, uid)
    const signIn = await deps.readSignIn(request.headers)
    const step = await stepFor(interaction, signIn, await clientOf(interaction))
    reply.header('cache-control', 'no-store')
    switch (step.kind) {
      case 'sign_in':
        return reply.redirect(`${LOGIN_PAGE}?next=${encodeURIComponent(`${INTERACTION_PATH}/${uid}`)}`, 303)
      case 'reauthenticate':
      case 'consent':
        return reply.redirect(`${CONSENT_PAGE}/${encodeURIComponent(uid)}`, 303)
      case 'login':
        return reply.redirect(await finishLogin(request, reply, interaction, signIn as PortcullisSignIn, step.result), 303)
      case 'grant':
        return reply.redirect(await finishGrant(request, reply, interaction, signIn as PortcullisSignIn), 303)
    }
  })

  routes.get(
    `${INTERACTION_PATH}/:uid/details`,
    {
      schema: {
        tags: ['oidc'],
        summary: 'What an app signing in with Portcullis asks of the signed-in user (the consent page reads it)',
        params: InteractionParams,
        response: { 200: InteractionDetails, ...problemResponses(Unauthenticated, InteractionNotFound) },
      },
    },
    async (request, reply) => {
      const interaction = await pendingInteraction(request, reply, request.params.uid)
      const signIn = await deps.readSignIn(request.headers)
      if (!signIn) throw new Unauthenticated()
      const client = await clientOf(interaction)
      const step = await stepFor(interaction, signIn, client)
      reply.header('cache-control', 'no-store')
      return {
        uid: interaction.uid,
        prompt: step.kind === 'reauthenticate' ? ('login' as const) : ('consent' as const),
        client: { client_id: client.clientId, name: client.name },
        scopes: step.kind === 'consent' || step.kind === 'grant' ? step.scopes : [],
        username: signIn.username,
      }
    },
  )

  routes.post(
    `${INTERACTION_PATH}/:uid/consent`,
    {
      schema: {
        tags: ['oidc'],
        summary: 'Allow or refuse what an app asks; answers where the browser goes next',
        params: InteractionParams,
        body: ConsentDecision,
        response: { 200: InteractionRedirect, ...problemResponses(Unauthenticated, CrossSiteConsent, ReauthenticationRequired, InteractionNotFound) },
      },
    },
    async (request, reply) => {
      const signIn = await answeringUser(request)
      const interaction = await pendingInteraction(request, reply, request.params.uid)
      const client = await clientOf(interaction)
      const step = await stepFor(interaction, signIn, client)
      if (step.kind === 'reauthenticate') throw new ReauthenticationRequired()
      reply.header('cache-control', 'no-store')
      if (step.kind === 'sign_in' || step.kind === 'login')
        return { redirect_to: await finishLogin(request, reply, interaction, signIn, loginOf(step, signIn)) }
      const origin = requestOrigin(request)
      const detail = { client_id: client.clientId, client_name: client.name, scopes: step.scopes }
      if (request.body.decision === 'deny') {
        await recordAuditEvent(deps.db, { type: 'oidc_consent_denied', userId: signIn.userId, ip: origin.ip, userAgent: origin.userAgent, detail }, deps.now())
        const denied = { error: 'access_denied', error_description: 'The user did not allow the app to use their Portcullis account' }
        return { redirect_to: await finish(request, reply, denied) }
      }
      if (!client.firstParty) {
        await recordConsent(deps.db, signIn.userId, client.clientId, step.scopes, deps.now())
        await recordAuditEvent(deps.db, { type: 'oidc_consent_given', userId: signIn.userId, ip: origin.ip, userAgent: origin.userAgent, detail }, deps.now())
      }
      return { redirect_to: await finishGrant(request, reply, interaction, signIn) }
    },
  )

  routes.post(
    `${INTERACTION_PATH}/:uid/login`,
    {
      schema: {
        tags: ['oidc'],
        summary: 'Go on with a sign-in the app asked to be fresh, once the user has confirmed it is them',
        params: InteractionParams,
        response: { 200: InteractionRedirect, ...problemResponses(Unauthenticated, CrossSiteConsent, ReauthenticationRequired, InteractionNotFound) },
      },
    },
    async (request, reply) => {
      const signIn = await answeringUser(request)
      const interaction = await pendingInteraction(request, reply, request.params.uid)
      const step = await stepFor(interaction, signIn, await clientOf(interaction))
      if (step.kind === 'reauthenticate') throw new ReauthenticationRequired()
      reply.header('cache-control', 'no-store')
      if (step.kind === 'login') return { redirect_to: await finishLogin(request, reply, interaction, signIn, step.result) }
      // Past the sign-in already: the browser goes back to the interaction, which asks for consent or finishes.
      return { redirect_to: `${INTERACTION_PATH}/${interaction.uid}` }
    },
  )
}

function loginOf(step: NextStep, signIn: PortcullisSignIn): InteractionResults {
  return step.kind === 'login' ? step.result : { login: { accountId: signIn.userId } }
}
