// Access and service tokens: signing with the key ring's current key, and verifying callers of protected routes.
import jwt from '@fastify/jwt'
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import type { Role, User } from '@portcullis/shared/db/schema'
import { Forbidden, InvalidToken, TokenExpired, Unauthenticated } from '@portcullis/shared/errors'
import { newId } from '@portcullis/shared/ids'
import { issuedAtMs } from '@portcullis/shared/tokens/principal'
import { isSessionLive } from '@portcullis/shared/sessions/liveness'
import { claimsAreOurs } from '@portcullis/shared/tokens/verify'

export interface AccessClaims {
  iss: string
  aud: string
  sub: string
  role: Role
  sid: string
  jti: string
  iat: number
  exp: number
}

export interface ServiceClaims {
  iss: string
  aud: string
  sub: string
  scope: string
  token_use: 'service'
  jti: string
  iat: number
  exp: number
}

export interface ServicePrincipal {
  clientId: string
  scopes: string[]
}

declare module 'fastify' {
  interface FastifyInstance {
    issueAccessToken(user: Pick<User, 'id' | 'role'>, sessionId: string): string
    issueServiceToken(clientId: string, scopes: string[]): { token: string; expiresIn: number }
    /** preHandler: a valid access token of a live session of an active user. */
    requireUser: preHandlerAsyncHookHandler
    /** preHandler factory: a valid service token carrying the scope. */
    requireService(scope: string): preHandlerAsyncHookHandler
  }
  interface FastifyRequest {
    service: ServicePrincipal | null
  }
}

export const SERVICE_TOKEN_TTL = 300

export function internalAudience(audience: string): string {
  return `${audience}:internal`
}

const BEARER_ERROR = 'Bearer error="invalid_token"'

function translateTokenError(error: unknown): Error {
  const code = (error as { code?: string }).code
  if (code === 'FST_JWT_AUTHORIZATION_TOKEN_EXPIRED')
    return Object.assign(new TokenExpired(), { wwwAuthenticate: `${BEARER_ERROR}, error_description="expired"` })
  if (code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER') return new Unauthenticated()
  return Object.assign(new InvalidToken(), { wwwAuthenticate: BEARER_ERROR })
}

async function verifiedClaims(request: FastifyRequest): Promise<Record<string, unknown>> {
  try {
    return await request.jwtVerify<Record<string, unknown>>()
  } catch (error) {
    throw translateTokenError(error)
  }
}

async function tokens(app: FastifyInstance): Promise<void> {
  const { authConfig: config, keyRing } = app
  const userAudience = config.tokenAudience
  const serviceAudience = internalAudience(config.tokenAudience)

  await app.register(jwt, {
    secret: {
      private: async () => keyRing.signingKey().privatePem,
      public: async (_request: FastifyRequest, token: unknown) => {
        const kid = (token as { header?: { kid?: unknown } }).header?.kid
        const pem = typeof kid === 'string' ? await keyRing.publicKeyPem(kid) : undefined
        if (!pem) throw Object.assign(new InvalidToken(), { wwwAuthenticate: BEARER_ERROR })
        return pem
      },
    },
    decode: { complete: true },
    // Both kinds share iss, sub, jti, iat and exp; each route below then asks for its own kind's claims and audience.
    verify: {
      algorithms: ['EdDSA', 'ES256'],
      allowedIss: config.tokenIssuer,
      allowedAud: [userAudience, serviceAudience],
      requiredClaims: ['iss', 'aud', 'sub', 'jti', 'iat', 'exp'],
    },
  })

  app.decorate('issueAccessToken', (user: Pick<User, 'id' | 'role'>, sessionId: string) => {
    const key = keyRing.signingKey()
    return app.jwt.sign(
      { iss: config.tokenIssuer, aud: userAudience, sub: user.id, role: user.role, sid: sessionId, jti: newId() },
      { key: key.privatePem, kid: key.kid, algorithm: key.alg, expiresIn: config.accessTokenTtl },
    )
  })

  app.decorate('issueServiceToken', (clientId: string, scopes: string[]) => {
    const key = keyRing.signingKey()
    const token = app.jwt.sign(
      { iss: config.tokenIssuer, aud: serviceAudience, sub: clientId, scope: scopes.join(' '), token_use: 'service', jti: newId() },
      { key: key.privatePem, kid: key.kid, algorithm: key.alg, expiresIn: SERVICE_TOKEN_TTL },
    )
    return { token, expiresIn: SERVICE_TOKEN_TTL }
  })

  app.decorateRequest('principal', null)
  app.decorateRequest('service', null)

  app.decorate('requireUser', async function requireUser(request: FastifyRequest) {
    const claims = await verifiedClaims(request)
    if (
      typeof claims.sub !== 'string' ||
      typeof claims.sid !== 'string' ||
      typeof claims.jti !== 'string' ||
      !claimsAreOurs(claims, userAudience, config.accessTokenTtl)
    ) {
      throw Object.assign(new InvalidToken(), { wwwAuthenticate: BEARER_ERROR })
    }
    const live = await app.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['u.role', 'u.status', 's.revoked_at', 's.expires_at', 's.last_used_at'])
      .where('s.id', '=', claims.sid)
      .where('s.user_id', '=', claims.sub)
      .executeTakeFirst()
    if (!live || !isSessionLive(live, app.now(), app.sessionPolicy) || live.status !== 'active') {
      throw Object.assign(new InvalidToken(), { wwwAuthenticate: BEARER_ERROR })
    }
    request.principal = { userId: claims.sub, role: live.role, sessionId: claims.sid, issuedAt: issuedAtMs(claims) }
  })

  app.decorate('requireService', (scope: string) => {
    return async function requireService(request: FastifyRequest) {
      const claims = await verifiedClaims(request)
      if (
        claims.token_use !== 'service' ||
        typeof claims.sub !== 'string' ||
        typeof claims.jti !== 'string' ||
        !claimsAreOurs(claims, serviceAudience, SERVICE_TOKEN_TTL)
      ) {
        throw Object.assign(new InvalidToken(), { wwwAuthenticate: BEARER_ERROR })
      }
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : []
      if (!scopes.includes(scope)) throw new Forbidden()
      request.service = { clientId: claims.sub, scopes }
    }
  })
}

export const tokensPlugin = fp(tokens, { name: 'auth-tokens', fastify: '5.x', dependencies: ['auth-context'] })
