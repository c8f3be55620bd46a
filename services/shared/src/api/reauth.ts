// Step-up, shared with the web client: POST /auth/reauthenticate, which proves the signed-in user again on their session,
// and the note of every route that needs such a recent proof (tokens/recent-auth.ts holds the rule).
import { type Static, Type } from 'typebox'
import { Password, TokenResponse } from './auth.ts'
import { RecoveryCode, TotpCode } from './mfa.ts'
import { PasskeyAssertion } from './passkeys.ts'

/** The description of a route that answers 401 reauthentication_required to a sign-in older than STEP_UP_MAX_AGE. */
export const RECENT_AUTH_NOTE = 'Needs a sign-in or POST /auth/reauthenticate within STEP_UP_MAX_AGE seconds, else 401 reauthentication_required.'

/**
 * POST /auth/reauthenticate: the password, and when the account has a second factor, a code from the authenticator app or
 * one recovery code as well; or one of the account's passkeys alone (options from POST /auth/passkeys/reauthenticate/options).
 */
export const ReauthenticateRequest = Type.Object(
  {
    password: Type.Optional({ ...Password, title: 'Password' }),
    code: Type.Optional(TotpCode),
    recovery_code: Type.Optional(RecoveryCode),
    passkey: Type.Optional(PasskeyAssertion),
  },
  { additionalProperties: false },
)
export type ReauthenticateRequest = Static<typeof ReauthenticateRequest>

/** A new access token of the same session, its auth_time now; the refresh token (or cookie) stays as it is. */
export const ReauthenticateResponse = Type.Object({
  access_token: TokenResponse.properties.access_token,
  token_type: TokenResponse.properties.token_type,
  expires_in: TokenResponse.properties.expires_in,
  user: TokenResponse.properties.user,
})
export type ReauthenticateResponse = Static<typeof ReauthenticateResponse>
