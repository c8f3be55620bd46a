// The browser's access-token cookie: its name and attributes, which auth sets and clears in cookie mode, and how a request's
// Cookie header yields the token, which the gateway reads to let a signed-in browser into an app on a plain navigation.
import { parseCookie } from 'cookie'

export const ACCESS_COOKIE_NAME = 'portcullis_access'

/**
 * HttpOnly, and SameSite=Lax so that a top-level navigation from a link elsewhere carries it (Strict would not); Path=/ for
 * the apps' prefixes. Lax still sends it on a cross-site top-level GET, so whoever accepts it refuses unsafe cross-site
 * requests that come with it alone.
 */
export interface AccessCookieAttributes {
  httpOnly: true
  secure: boolean
  sameSite: 'lax'
  path: '/'
}

/** The attributes it is set and cleared with; `secure` is COOKIE_SECURE, as for the refresh cookie. */
export function accessCookieAttributes(secure: boolean): AccessCookieAttributes {
  return { httpOnly: true, secure, sameSite: 'lax', path: '/' }
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/

/** A value that is not a JWT is skipped, so a later cookie of the same name (another path's) is tried. */
function jwtOrSkip(value: string): string | undefined {
  return JWT_SHAPE.test(value) ? value : undefined
}

/**
 * The access token in a request's Cookie header (`request.headers.cookie`), or undefined when there is none that looks
 * like a JWT. It is not verified here: the caller verifies it as any access token.
 */
export function accessTokenFromCookieHeader(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined
  return parseCookie(cookieHeader, { decode: jwtOrSkip })[ACCESS_COOKIE_NAME]
}

export interface PresentedAccessToken {
  token: string
  /** Where it came from: a cookie alone must not be taken for an unsafe request from another site. */
  via: 'authorization' | 'cookie'
}

/** The access token a request carries: its Authorization header's Bearer token, else the portcullis_access cookie's. */
export function presentedAccessToken(headers: { authorization?: string | undefined; cookie?: string | undefined }): PresentedAccessToken | undefined {
  const header = headers.authorization
  if (header?.startsWith('Bearer ')) return { token: header.slice(7), via: 'authorization' }
  const cookie = accessTokenFromCookieHeader(headers.cookie)
  return cookie ? { token: cookie, via: 'cookie' } : undefined
}
