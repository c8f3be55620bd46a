// The cookies of a cookie-mode session, set and cleared together: the refresh cookie (refresh-cookie.ts, Path=/auth) and
// the access cookie (shared sessions/access-cookie.ts, Path=/), which always holds the session's latest access token.
import type { FastifyReply } from 'fastify'
import { ACCESS_COOKIE_NAME, accessCookieAttributes } from '@portcullis/shared/sessions/access-cookie'
import type { AuthConfig } from '../config.ts'
import { clearRefreshCookie, setRefreshCookie } from './refresh-cookie.ts'

export type CookieConfig = Pick<AuthConfig, 'cookieSecure' | 'accessTokenTtl' | 'refreshAbsoluteTtl'>

/** The access cookie lives as long as the token it holds. */
export function setAccessCookie(reply: FastifyReply, accessToken: string, config: Pick<AuthConfig, 'cookieSecure' | 'accessTokenTtl'>): void {
  reply.setCookie(ACCESS_COOKIE_NAME, accessToken, { ...accessCookieAttributes(config.cookieSecure), maxAge: config.accessTokenTtl })
}

export function setSessionCookies(reply: FastifyReply, tokens: { accessToken: string; refreshToken: string }, config: CookieConfig): void {
  setRefreshCookie(reply, tokens.refreshToken, config.refreshAbsoluteTtl, config.cookieSecure)
  setAccessCookie(reply, tokens.accessToken, config)
}

/** Both cookies with Max-Age=0 and the attributes they were set with, so the browser drops them. */
export function clearSessionCookies(reply: FastifyReply, config: Pick<AuthConfig, 'cookieSecure'>): void {
  clearRefreshCookie(reply, config.cookieSecure)
  reply.clearCookie(ACCESS_COOKIE_NAME, accessCookieAttributes(config.cookieSecure))
}
