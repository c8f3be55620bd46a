// Who is signed in to Portcullis in the browser asking: the access token of its Authorization header (the web app's calls)
// or of the portcullis_access cookie (a navigation from another app), verified as every service verifies one (the key
// ring's public keys, our iss and aud, the claims of ours: tokens/verify.ts), and only while its session is live and its
// user active (sessions/signed-in-user.ts). The provider signs nobody in to another app on less.
import { createPublicKey, type KeyObject } from 'node:crypto'
import { errors as joseErrors, jwtVerify } from 'jose'
import type { Kysely } from 'kysely'
import type { Database, Role } from '@portcullis/shared/db/schema'
import type { KeyRing } from '@portcullis/shared/keys/ring'
import { type PresentedAccessToken, presentedAccessToken } from '@portcullis/shared/sessions/access-cookie'
import type { SessionLifetime } from '@portcullis/shared/sessions/liveness'
import { liveSessionUser } from '@portcullis/shared/sessions/signed-in-user'
import { ACCESS_TOKEN_CLAIMS, accessTokenPrincipal, CLOCK_SKEW_SECONDS } from '@portcullis/shared/tokens/verify'

export interface PortcullisSignIn {
  userId: string
  sessionId: string
  username: string
  role: Role
  /** How the user proved themselves (pwd, otp, hwk ...), as the access token says. */
  amr: string[]
  /** When they last did, epoch ms (0 when the token does not say). */
  authTime: number
  /** Where the token came from: a cookie alone must not be taken for an unsafe request from another site. */
  via: PresentedAccessToken['via']
}

export interface SignInHeaders {
  authorization?: string | undefined
  cookie?: string | undefined
}

export type SignInReader = (headers: SignInHeaders) => Promise<PortcullisSignIn | undefined>

export interface SignInReaderOptions {
  db: Kysely<Database>
  ring: KeyRing
  issuer: string
  audience: string
  accessTokenTtl: number
  lifetime: SessionLifetime
  now: () => number
}

export function signInReader(options: SignInReaderOptions): SignInReader {
  const keys = new Map<string, KeyObject>()
  const keyFor = async (protectedHeader: { kid?: string }) => {
    const kid = protectedHeader.kid
    const pem = kid === undefined ? undefined : await options.ring.publicKeyPem(kid)
    if (kid === undefined || pem === undefined) throw new joseErrors.JWKSNoMatchingKey()
    let key = keys.get(pem)
    if (!key) {
      key = createPublicKey(pem)
      keys.set(pem, key)
    }
    return key
  }
  return async (headers) => {
    const presented = presentedAccessToken(headers)
    if (!presented) return undefined
    let claims: Record<string, unknown>
    try {
      const verified = await jwtVerify(presented.token, keyFor, {
        algorithms: ['EdDSA', 'ES256'],
        issuer: options.issuer,
        audience: options.audience,
        requiredClaims: [...ACCESS_TOKEN_CLAIMS],
        clockTolerance: CLOCK_SKEW_SECONDS,
        currentDate: new Date(options.now()),
      })
      claims = verified.payload as Record<string, unknown>
    } catch {
      return undefined
    }
    const principal = accessTokenPrincipal(claims, options.audience, options.accessTokenTtl, options.now() / 1000)
    if (!principal) return undefined
    const user = await liveSessionUser(options.db, principal.userId, principal.sessionId, options.now(), options.lifetime)
    if (!user) return undefined
    return { ...principal, username: user.username, role: user.role, via: presented.via }
  }
}
