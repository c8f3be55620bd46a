// The token decorators of auth's routes: issuing access and service tokens, and the guards of routes that take one.
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { User } from '@portcullis/shared/db/schema'
import { Forbidden } from '@portcullis/shared/errors'
import { amrOf, authTimeMs, issuedAtMs, type Principal } from '@portcullis/shared/tokens/principal'
import { requireRecentAuth } from '@portcullis/shared/tokens/recent-auth'
import { invalidToken, tokenRefusal } from '@portcullis/shared/tokens/refusals'
import type { SessionProof } from '../../sessions/create.ts'
import { liveSessionRole } from '../../sessions/signed-in.ts'
import { accessTokenSubject, type ServicePrincipal, serviceTokenCaller } from '../../tokens/claims.ts'
import { signAccessToken, signServiceToken } from '../../tokens/issue.ts'

declare module 'fastify' {
  interface FastifyInstance {
    issueAccessToken(user: Pick<User, 'id' | 'role' | 'email' | 'email_verified_at'>, sessionId: string, proof: SessionProof): string
    issueServiceToken(clientId: string, scopes: string[]): { token: string; expiresIn: number }
    /** preHandler: a valid access token of a live session of an active user. */
    requireUser: preHandlerAsyncHookHandler
    /** preHandler: as requireUser, and a sign-in within STEP_UP_MAX_AGE (else 401 reauthentication_required). */
    requireRecentUser: preHandlerAsyncHookHandler
    /** preHandler factory: a valid service token carrying the scope. */
    requireService(scope: string): preHandlerAsyncHookHandler
  }
  interface FastifyRequest {
    service: ServicePrincipal | null
  }
}

/** The principal requireUser put on the request: for routes that run it. */
export function signedInPrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('the route did not run requireUser')
  return request.principal
}

async function verifiedClaims(request: FastifyRequest): Promise<Record<string, unknown>> {
  try {
    return await request.jwtVerify<Record<string, unknown>>()
  } catch (error) {
    throw tokenRefusal(error)
  }
}

async function tokens(app: FastifyInstance): Promise<void> {
  const config = app.authConfig
  app.decorate('issueAccessToken', (user: Pick<User, 'id' | 'role' | 'email' | 'email_verified_at'>, sessionId: string, proof: SessionProof) =>
    signAccessToken(app, user, sessionId, proof),
  )
  app.decorate('issueServiceToken', (clientId: string, scopes: string[]) => signServiceToken(app, clientId, scopes))

  app.decorateRequest('principal', null)
  app.decorateRequest('service', null)

  app.decorate('requireUser', async function requireUser(request: FastifyRequest) {
    const claims = await verifiedClaims(request)
    const subject = accessTokenSubject(claims, config.tokenAudience, config.accessTokenTtl)
    if (!subject) throw invalidToken()
    const role = await liveSessionRole(app.db, subject.userId, subject.sessionId, app.now(), app.sessionPolicy)
    if (!role) throw invalidToken()
    request.principal = { ...subject, role, issuedAt: issuedAtMs(claims), authTime: authTimeMs(claims), amr: amrOf(claims) }
  })

  app.decorate('requireRecentUser', async function requireRecentUser(this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
    await app.requireUser.call(this, request, reply)
    requireRecentAuth(signedInPrincipal(request), config.stepUpMaxAge, app.now())
  })

  app.decorate('requireService', (scope: string) => {
    return async function requireService(request: FastifyRequest) {
      const caller = serviceTokenCaller(await verifiedClaims(request), config.tokenAudience)
      if (!caller) throw invalidToken()
      if (!caller.scopes.includes(scope)) throw new Forbidden()
      request.service = caller
    }
  })
}

export const tokensPlugin = fp(tokens, { name: 'auth-tokens', fastify: '5.x', dependencies: ['auth-context', 'auth-jwt'] })
