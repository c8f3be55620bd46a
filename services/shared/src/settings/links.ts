// Where the links in mails point, how long they work, and whether addresses must be proven: the settings auth, user and
// admin share because each of them writes such mails (reset, verification, invitation).
import { type Static, Type } from 'typebox'
import { checkedUrl, withoutTrailingSlash } from './url.ts'

export type EmailVerification = 'off' | 'optional' | 'required'

export const LinkSettings = Type.Object({
  PUBLIC_URL: Type.Optional(
    Type.String({
      description: 'the origin the links in mails point to and the OpenID Connect issuer: the web app as its users reach it; unset: http://localhost:$PORT',
    }),
  ),
  EMAIL_VERIFICATION: Type.Union([Type.Literal('off'), Type.Literal('optional'), Type.Literal('required')], {
    default: 'optional',
    description: 'off: no verification mails, a new address applies at once; optional: sent, shown, not enforced; required: no sign-in until verified',
  }),
  RESET_TOKEN_TTL: Type.Integer({
    minimum: 300,
    maximum: 604_800,
    default: 1800,
    description: 'how long a password-reset (or invitation) link works, seconds',
  }),
  VERIFY_TOKEN_TTL: Type.Integer({ minimum: 300, maximum: 2_592_000, default: 86_400, description: 'how long an email-verification link works, seconds' }),
})

export interface LinkConfig {
  publicUrl: string
  emailVerification: EmailVerification
  resetTokenTtl: number
  verifyTokenTtl: number
}

/** PUBLIC_URL checked, without a trailing slash; unset, this process's own address on localhost. */
export function publicUrlConfig(value: string | undefined, port: number): string {
  return withoutTrailingSlash(value === undefined ? `http://localhost:${port}` : checkedUrl('PUBLIC_URL', value, ['http:', 'https:']))
}

export function linkConfig(values: Static<typeof LinkSettings>, port: number): LinkConfig {
  return {
    publicUrl: publicUrlConfig(values.PUBLIC_URL, port),
    emailVerification: values.EMAIL_VERIFICATION as EmailVerification,
    resetTokenTtl: values.RESET_TOKEN_TTL,
    verifyTokenTtl: values.VERIFY_TOKEN_TTL,
  }
}
