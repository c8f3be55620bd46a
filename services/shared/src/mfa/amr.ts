// How a user proved themselves, as the access tokens' amr says it (RFC 8176's values): auth writes them at each sign-in
// and re-authentication, and whoever reads a token (the admin service's MFA_REQUIRED_FOR_ADMINS) asks the same list.
export const AMR = {
  /** The password. */
  password: 'pwd',
  /** A one-time code: the authenticator app's, or a recovery code. */
  oneTimeCode: 'otp',
  /** A passkey (proof of possession of a key; alone, it also verified the user). */
  passkey: 'hwk',
} as const

const SECOND_FACTORS: ReadonlySet<string> = new Set([AMR.oneTimeCode, AMR.passkey])

/** Whether the sign-in behind these amr values used more than the password: a code or a passkey. */
export function provesSecondFactor(amr: readonly string[]): boolean {
  return amr.some((method) => SECOND_FACTORS.has(method))
}
