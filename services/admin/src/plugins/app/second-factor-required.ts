// The preHandler of MFA_REQUIRED_FOR_ADMINS, after the active-admin check: an admin without a second factor is refused
// with mfa_enrolment_required, which the web console answers with the way to the profile's two-step section.
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify'
import { MfaEnrolmentRequired, Unauthenticated } from '@portcullis/shared/errors'
import { adminHasSecondFactor } from '../../users/second-factor-policy.ts'

export function secondFactorRequired(app: FastifyInstance): preHandlerAsyncHookHandler {
  return async function requireAdminSecondFactor(request: FastifyRequest) {
    const principal = request.principal
    if (!principal) throw new Unauthenticated()
    if (!(await adminHasSecondFactor(app.db, principal))) throw new MfaEnrolmentRequired()
  }
}
