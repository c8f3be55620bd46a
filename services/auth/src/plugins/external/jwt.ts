// @fastify/jwt with the key ring: signs with its current key, verifies by each token's kid, for both audiences auth issues
// (access tokens for users, `:internal` service tokens for other services). Each guard then asks for its own kind.
import jwt from '@fastify/jwt'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { invalidToken } from '@portcullis/shared/tokens/refusals'
import type { AuthConfig } from '../../config.ts'
import type { KeyRing } from '@portcullis/shared/keys/ring'
import { internalAudience } from '../../tokens/claims.ts'

export interface KeyRingJwtOptions {
  config: Pick<AuthConfig, 'tokenIssuer' | 'tokenAudience'>
  keyRing: KeyRing
}

async function keyRingJwt(app: FastifyInstance, { config, keyRing }: KeyRingJwtOptions): Promise<void> {
  await app.register(jwt, {
    secret: {
      private: async () => keyRing.signingKey().privatePem,
      public: async (_request: FastifyRequest, token: unknown) => {
        const kid = (token as { header?: { kid?: unknown } }).header?.kid
        const pem = typeof kid === 'string' ? await keyRing.publicKeyPem(kid) : undefined
        if (!pem) throw invalidToken()
        return pem
      },
    },
    decode: { complete: true },
    // Both kinds share iss, sub, jti, iat and exp; each guard then asks for its own kind's claims and audience.
    verify: {
      algorithms: ['EdDSA', 'ES256'],
      allowedIss: config.tokenIssuer,
      allowedAud: [config.tokenAudience, internalAudience(config.tokenAudience)],
      requiredClaims: ['iss', 'aud', 'sub', 'jti', 'iat', 'exp'],
    },
  })
}

export const jwtPlugin = fp(keyRingJwt, { name: 'auth-jwt', fastify: '5.x' })
