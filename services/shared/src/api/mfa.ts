// Request and response schemas of the second factor (TOTP and recovery codes), shared with the web client.
import { type Static, Type } from 'typebox'
import { Password } from './auth.ts'
import { PasskeyAssertion, PasskeyRequestOptions } from './passkeys.ts'

/** A TOTP code as an authenticator app shows it: 6 digits (spaces tolerated, as people copy them). */
export const TotpCode = Type.String({
  minLength: 6,
  maxLength: 9,
  pattern: '^[0-9 ]+$',
  title: 'Code',
  errorMessage: 'must be the 6 digits your authenticator app shows',
})

/** A recovery code as it was shown: groups of letters and digits, dashes and spaces tolerated. */
export const RecoveryCode = Type.String({
  minLength: 8,
  maxLength: 32,
  pattern: '^[A-Za-z0-9 -]+$',
  title: 'Recovery code',
  errorMessage: 'must be one of your recovery codes, such as abcd-efgh-jkmn',
})

export const MfaMethodSchema = Type.Union([Type.Literal('totp'), Type.Literal('recovery_code'), Type.Literal('passkey')])
export type MfaMethod = Static<typeof MfaMethodSchema>

/** POST /auth/login for an account with a second factor: no tokens yet, a ticket for the second step. */
export const MfaRequiredResponse = Type.Object({
  mfa_required: Type.Literal(true),
  mfa_token: Type.String({ description: 'single use, for POST /auth/login/mfa, within 5 minutes' }),
  methods: Type.Array(MfaMethodSchema),
  passkey_options: Type.Optional({ ...PasskeyRequestOptions, description: "for startAuthentication(), when methods has passkey: the account's passkeys" }),
})
export type MfaRequiredResponse = Static<typeof MfaRequiredResponse>

/** POST /auth/login/mfa: the second step, with a code from the app, one recovery code, or a passkey. */
export const MfaLoginRequest = Type.Object(
  {
    mfa_token: Type.String({ minLength: 20, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$', title: 'Sign-in ticket', errorMessage: 'is not a sign-in ticket' }),
    code: Type.Optional(TotpCode),
    recovery_code: Type.Optional(RecoveryCode),
    passkey: Type.Optional(PasskeyAssertion),
  },
  { additionalProperties: false },
)
export type MfaLoginRequest = Static<typeof MfaLoginRequest>

/** GET /auth/mfa: the signed-in user's factors. */
export const MfaStatusResponse = Type.Object({
  totp: Type.Boolean({ description: 'an authenticator app is enrolled and required at sign-in' }),
  passkeys: Type.Integer({ minimum: 0, description: 'passkeys registered: each signs in alone, or is the second step after the password' }),
  recovery_codes_left: Type.Integer({ minimum: 0 }),
})
export type MfaStatusResponse = Static<typeof MfaStatusResponse>

/** POST /auth/mfa/totp/setup: a new secret to put in the authenticator app (not in force until confirmed). */
export const TotpSetupResponse = Type.Object({
  secret: Type.String({ description: 'base32, as an app takes it typed in' }),
  otpauth_uri: Type.String({ description: 'otpauth://totp/…, for a QR code' }),
})
export type TotpSetupResponse = Static<typeof TotpSetupResponse>

/** POST /auth/mfa/totp/confirm: the first code from the app, which turns TOTP on. */
export const TotpConfirmRequest = Type.Object({ code: TotpCode }, { additionalProperties: false })
export type TotpConfirmRequest = Static<typeof TotpConfirmRequest>

/** Shown once: at TOTP confirmation and at POST /auth/mfa/recovery-codes. */
export const RecoveryCodesResponse = Type.Object({ recovery_codes: Type.Array(Type.String(), { minItems: 10, maxItems: 10 }) })
export type RecoveryCodesResponse = Static<typeof RecoveryCodesResponse>

/** DELETE /auth/mfa/totp: a current code or the password. */
export const TotpRemoveRequest = Type.Object(
  { code: Type.Optional(TotpCode), password: Type.Optional({ ...Password, title: 'Password' }) },
  { additionalProperties: false },
)
export type TotpRemoveRequest = Static<typeof TotpRemoveRequest>
