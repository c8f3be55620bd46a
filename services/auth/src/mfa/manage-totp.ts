// A signed-in user's authenticator app: setting it up and confirming it with a first code (which turns it on and makes ten
// recovery codes), a new set of recovery codes (while any second factor is on), and turning it off with a code or the
// password (the recovery codes go too unless a passkey is left). Each change is audited; a wrong password counts in the
// login back-off as at a password change.
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { User } from '@portcullis/shared/db/schema'
import { fieldProblem, validationFailed } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { InvalidCode, TotpEnrolled, TotpNotEnrolled, TotpNotSetUp } from '../errors.ts'
import { keyWrapping } from '@portcullis/shared/keys/private-key-wrapping'
import type { AuthContext } from '../plugins/app/context.ts'
import { confirmCurrentPassword } from '../passwords/current-password.ts'
import { hasSecondFactor } from '@portcullis/shared/mfa/status'
import { dropCodesWithoutFactor, replaceRecoveryCodes } from './recovery-codes.ts'
import { acceptedStep, newTotpSecret, otpauthUri } from './totp.ts'
import { deleteTotpFactor, findTotpFactor, markStepUsed, saveUnconfirmedTotp } from './totp-factor.ts'

export async function setUpTotp(auth: AuthContext, user: User): Promise<{ secret: string; otpauth_uri: string }> {
  const wrapping = keyWrapping(auth.authConfig)
  if ((await findTotpFactor(auth.db, user.id, wrapping))?.confirmed) throw new TotpEnrolled()
  const secret = newTotpSecret()
  await saveUnconfirmedTotp(auth.db, user.id, secret, wrapping, auth.now())
  return { secret, otpauth_uri: otpauthUri(secret, user.username) }
}

export async function confirmTotp(auth: AuthContext, user: User, code: string, origin: RequestOrigin): Promise<string[]> {
  const now = auth.now()
  const factor = await findTotpFactor(auth.db, user.id, keyWrapping(auth.authConfig))
  if (!factor) throw new TotpNotSetUp()
  if (factor.confirmed) throw new TotpEnrolled()
  const step = acceptedStep(factor.secret, code, factor.lastUsedStep, now)
  if (step === null) throw new InvalidCode()
  return auth.db.transaction().execute(async (trx) => {
    if (!(await markStepUsed(trx, user.id, step, factor.lastUsedStep, now))) throw new InvalidCode()
    const codes = await replaceRecoveryCodes(trx, user.id, now)
    await recordAuditEvent(
      trx,
      { type: 'mfa_enabled', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { method: 'totp' } },
      now,
    )
    return codes
  })
}

export async function regenerateRecoveryCodes(auth: AuthContext, user: User, origin: RequestOrigin): Promise<string[]> {
  const now = auth.now()
  if (!(await hasSecondFactor(auth.db, user.id))) throw new TotpNotEnrolled()
  return auth.db.transaction().execute(async (trx) => {
    const codes = await replaceRecoveryCodes(trx, user.id, now)
    await recordAuditEvent(trx, { type: 'recovery_codes_regenerated', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent }, now)
    return codes
  })
}

export async function removeTotp(
  auth: AuthContext,
  user: User,
  proof: { code?: string | undefined; password?: string | undefined },
  origin: RequestOrigin,
): Promise<void> {
  const now = auth.now()
  const factor = await findTotpFactor(auth.db, user.id, keyWrapping(auth.authConfig))
  if (!factor?.confirmed) throw new TotpNotEnrolled()
  if (proof.code !== undefined) {
    const step = acceptedStep(factor.secret, proof.code, factor.lastUsedStep, now)
    if (step === null || !(await markStepUsed(auth.db, user.id, step, factor.lastUsedStep, now))) throw new InvalidCode()
  } else if (proof.password !== undefined) {
    await confirmCurrentPassword(auth, user, proof.password, 'password', origin)
  } else {
    throw validationFailed([fieldProblem('code', 'or your password is needed to turn two-step verification off', 'required', 'A code from your app')])
  }
  await auth.db.transaction().execute(async (trx) => {
    await deleteTotpFactor(trx, user.id)
    await dropCodesWithoutFactor(trx, user.id)
    await recordAuditEvent(
      trx,
      { type: 'mfa_disabled', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { method: 'totp' } },
      now,
    )
  })
}
