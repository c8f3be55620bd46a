// What every admin route shares: the admin-role check on the token and in the database, the second-factor policy, its
// OpenAPI tag and security, and its refusals.
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify'
import { Forbidden, InvalidToken, MfaEnrolmentRequired, type ProblemFactory, TokenExpired, Unauthenticated } from '@portcullis/shared/errors'
import { secondFactorRequired } from './second-factor-required.ts'

/**
 * preHandler of every admin route: a valid admin access token, whose holder the database still knows as an active admin,
 * and, while MFA_REQUIRED_FOR_ADMINS is on, who has a second factor.
 */
export function adminOnly(app: FastifyInstance): preHandlerAsyncHookHandler[] {
  const checks = [app.requireRole('admin'), app.requireActiveAdmin]
  if (app.adminConfig.mfaRequiredForAdmins) checks.push(secondFactorRequired(app))
  return checks
}

export const ADMIN_ROUTE = { tags: ['admin'], security: [{ bearer: [] }] }

/**
 * The answers any admin route may give besides its own: no or bad token (401), not an active admin (403), an admin without
 * a second factor while MFA_REQUIRED_FOR_ADMINS is on (403 mfa_enrolment_required).
 */
export const ADMIN_REFUSALS: readonly ProblemFactory[] = [Unauthenticated, InvalidToken, TokenExpired, Forbidden, MfaEnrolmentRequired]
