// How a refused access token is answered, the same in every process: 401 with the code that says why, and the
// WWW-Authenticate error of RFC 6750.
import { InvalidToken, type ProblemError, TokenExpired, Unauthenticated } from '../errors.ts'

const BEARER_ERROR = 'Bearer error="invalid_token"'

/** A token that is not ours, not valid, or not for this route. */
export function invalidToken(): ProblemError {
  return Object.assign(new InvalidToken(), { wwwAuthenticate: BEARER_ERROR })
}

/** Expired, as @fastify/jwt (auth's guards) and fast-jwt (the shared verifier, tokens/verify.ts) say it. */
const EXPIRED_CODES = new Set(['FST_JWT_AUTHORIZATION_TOKEN_EXPIRED', 'FAST_JWT_EXPIRED'])

/** What a verifier's refusal (or one of ours) means for the client. */
export function tokenRefusal(error: unknown): ProblemError {
  const code = (error as { code?: string }).code
  if (code !== undefined && EXPIRED_CODES.has(code))
    return Object.assign(new TokenExpired(), { wwwAuthenticate: `${BEARER_ERROR}, error_description="expired"` })
  if (code === 'FST_JWT_NO_AUTHORIZATION_IN_HEADER') return new Unauthenticated()
  if (code === 'INVALID_TOKEN') return error as ProblemError
  return invalidToken()
}
