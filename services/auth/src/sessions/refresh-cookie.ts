// The browser's refresh-token cookie (HttpOnly, Secure, SameSite=Strict, Path=/auth) and the CSRF rule for using it.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { CsrfRejected } from '../errors.ts'

export const REFRESH_COOKIE = 'portcullis_refresh'
export const CSRF_HEADER = 'x-csrf-protection'

export function setRefreshCookie(reply: FastifyReply, token: string, maxAgeSeconds: number, secure: boolean): void {
  reply.setCookie(REFRESH_COOKIE, token, { httpOnly: true, secure, sameSite: 'strict', path: '/auth', maxAge: maxAgeSeconds })
}

export function clearRefreshCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(REFRESH_COOKIE, { httpOnly: true, secure, sameSite: 'strict', path: '/auth' })
}

export type Presented = { token: string; via: 'cookie' | 'body' | 'header' }

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/

/** An access token (a JWT) in the Authorization header, as opposed to a refresh token sent there by a non-browser client. */
export function bearerAccessToken(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined
  return token && JWT_SHAPE.test(token) ? token : undefined
}

/**
 * The refresh token a request presents: JSON body, then a non-JWT `Authorization: Bearer` (a refresh token sent as a bearer, as API clients may), then the cookie.
 * A cookie is sent by the browser on its own, so using it requires a custom header that a cross-site form cannot add.
 */
export function presentedRefreshToken(request: FastifyRequest, body: { refresh_token?: string | undefined } | undefined): Presented | null {
  if (body?.refresh_token) return { token: body.refresh_token, via: 'body' }
  const authorization = request.headers.authorization
  // A web app may send its access token on every call, refresh included: that is not a refresh token, so look further.
  if (authorization?.startsWith('Bearer ') && !bearerAccessToken(request)) return { token: authorization.slice(7).trim(), via: 'header' }
  const cookie = request.cookies[REFRESH_COOKIE]
  if (cookie) {
    if (!request.headers[CSRF_HEADER]) throw new CsrfRejected()
    return { token: cookie, via: 'cookie' }
  }
  return null
}

/** preValidation: refresh and logout may come with no body at all (cookie or Bearer header), which counts as `{}`. */
export async function acceptEmptyBody(request: FastifyRequest): Promise<void> {
  request.body ??= {}
}
