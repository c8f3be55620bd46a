// Signing auth's tokens with the key ring's current key: an access token for a user's session, a service token for a client,
// an identity token of a user's session for one app.
import type { User } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'
import type { AuthConfig } from '../config.ts'
import type { KeyRing } from '@portcullis/shared/keys/ring'
import type { SessionProof } from '../sessions/create.ts'
import { IDENTITY_TOKEN_TTL, internalAudience, SERVICE_TOKEN_TTL } from './claims.ts'
import { signJwt } from './signer.ts'

export interface TokenSigner {
  keyRing: KeyRing
  authConfig: Pick<AuthConfig, 'tokenIssuer' | 'tokenAudience' | 'accessTokenTtl'>
}

/**
 * An access token: `amr` and `auth_time` say how and when the user proved themselves (OpenID Connect's claims);
 * `email_verified` rides along when the user has an email.
 */
export function signAccessToken(
  { keyRing, authConfig }: TokenSigner,
  user: Pick<User, 'id' | 'role' | 'email' | 'email_verified_at'>,
  sessionId: string,
  proof: SessionProof,
): string {
  const email = user.email === null ? {} : { email_verified: user.email_verified_at !== null }
  const how = { amr: proof.amr, auth_time: Math.floor(proof.authTime / 1000) }
  return signJwt(
    keyRing.signingKey(),
    { iss: authConfig.tokenIssuer, aud: authConfig.tokenAudience, sub: user.id, role: user.role, sid: sessionId, jti: newId(), ...how, ...email },
    authConfig.accessTokenTtl,
  )
}

export function signServiceToken({ keyRing, authConfig }: TokenSigner, clientId: string, scopes: string[]): { token: string; expiresIn: number } {
  const token = signJwt(
    keyRing.signingKey(),
    {
      iss: authConfig.tokenIssuer,
      aud: internalAudience(authConfig.tokenAudience),
      sub: clientId,
      scope: scopes.join(' '),
      token_use: 'service',
      jti: newId(),
    },
    SERVICE_TOKEN_TTL,
  )
  return { token, expiresIn: SERVICE_TOKEN_TTL }
}

export interface AppIdentityClaims {
  userId: string
  sessionId: string
  role: User['role']
  username: string
  /** The app's name; never TOKEN_AUDIENCE (claims.ts isReservedAudience), so the token is no access token. */
  audience: string
}

/** What an app behind the gateway is told of its caller, signed as an access token is (same key, kid and alg). */
export function signIdentityToken({ keyRing, authConfig }: TokenSigner, identity: AppIdentityClaims): { token: string; expiresIn: number } {
  const token = signJwt(
    keyRing.signingKey(),
    {
      iss: authConfig.tokenIssuer,
      aud: identity.audience,
      sub: identity.userId,
      sid: identity.sessionId,
      role: identity.role,
      preferred_username: identity.username,
      token_use: 'identity',
      jti: newId(),
    },
    IDENTITY_TOKEN_TTL,
  )
  return { token, expiresIn: IDENTITY_TOKEN_TTL }
}
