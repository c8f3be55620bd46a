// Who is calling: the verified claims of an access token, as every service and the gateway see them.
import type { Role } from '../db/schema.ts'

export interface Principal {
  userId: string
  role: Role
  sessionId: string
  /** When the token was issued, in epoch milliseconds (from its UUIDv7 jti, else iat). */
  issuedAt: number
  /** When the user last proved themselves on this session (the token's auth_time), epoch ms; 0 when the token does not say. */
  authTime: number
  /** How they did (the token's amr: pwd, otp, hwk …); empty when the token does not say. */
  amr: string[]
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
}

const ROLE_RANK: Record<Role, number> = { user: 1, admin: 2 }

/** Admins can do what users can. */
export function hasRole(principal: Pick<Principal, 'role'>, required: Role): boolean {
  return ROLE_RANK[principal.role] >= ROLE_RANK[required]
}

/** auth_time (seconds) as ms; 0, never recent, when absent or not a number. */
export function authTimeMs(claims: { auth_time?: unknown }): number {
  return typeof claims.auth_time === 'number' && Number.isFinite(claims.auth_time) ? claims.auth_time * 1000 : 0
}

/** amr as a list of strings; anything else is no proof at all. */
export function amrOf(claims: { amr?: unknown }): string[] {
  return Array.isArray(claims.amr) ? claims.amr.filter((value): value is string => typeof value === 'string') : []
}

/** The issue time in ms: a UUIDv7 jti carries it to the millisecond, which iat (seconds) cannot. */
export function issuedAtMs(claims: { jti?: unknown; iat?: unknown }): number {
  if (typeof claims.jti === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(claims.jti)) {
    return Number.parseInt(claims.jti.slice(0, 8) + claims.jti.slice(9, 13), 16)
  }
  return typeof claims.iat === 'number' ? claims.iat * 1000 : 0
}
