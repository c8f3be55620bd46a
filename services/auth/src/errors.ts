// The problems only auth answers with: credentials, refresh tokens and sessions, service clients, sign-up, login back-off.
// docs/errors.md lists them with every other package's, written from these declarations.
import { type ProblemError, problemsOf } from '@portcullis/shared/problems/define'

const define = problemsOf('auth')

export const InvalidCredentials = define(
  'invalid_credentials',
  401,
  'Invalid username or password',
  'The username (or email) and password do not match an account; the same answer, in the same time, whether or not the account exists.',
)
export const InvalidRefreshToken = define(
  'invalid_refresh_token',
  401,
  'The refresh token is not valid',
  'No refresh token was sent (cookie, body or Bearer), or it is not one auth issued: sign in again.',
)
export const SessionExpired = define(
  'session_expired',
  401,
  'The session has expired; sign in again',
  'The session is past REFRESH_ABSOLUTE_TTL since sign-in, or was not refreshed for REFRESH_IDLE_TTL: sign in again.',
)
export const RefreshTokenReused = define(
  'refresh_token_reused',
  401,
  'The refresh token was already used; the session has been revoked',
  'A refresh token spent more than REFRESH_REUSE_GRACE seconds ago came back: it may have been stolen, so the whole session is ended.',
)
export const CsrfRejected = define(
  'csrf_rejected',
  403,
  'Cookie-authenticated requests must carry the X-CSRF-Protection header',
  'A request that authenticates with the refresh cookie must send X-CSRF-Protection: 1, which a cross-site form cannot.',
)
export const EmailNotVerified = define(
  'email_not_verified',
  403,
  'Confirm your email address before you sign in: open the link we sent you, or ask for a new one',
  'EMAIL_VERIFICATION=required and the account has not proven its address: POST /auth/email/verify/resend with {login} sends the link again.',
)
export const TooManyAttempts = define(
  'too_many_attempts',
  429,
  'Too many attempts; try again later',
  'Too many failed logins for this account from this IP, or from this IP, or too many mails asked for (reset and verification links) from this IP: wait Retry-After seconds (the wait doubles each time).',
)
export const InvalidClient = define(
  'invalid_client',
  401,
  'Client authentication failed',
  'Internal API: the service client id and secret do not match an enabled client (or none were sent).',
)
export const UnsupportedGrantType = define(
  'unsupported_grant_type',
  400,
  'Only the client_credentials grant is supported',
  'Internal API: POST /internal/oauth/token takes grant_type=client_credentials only.',
)

/** Too many failed logins: the wait, whole seconds and at least one, goes out as Retry-After. */
export function tooManyAttempts(retryAfterSeconds: number): ProblemError {
  const error = new TooManyAttempts()
  error.retryAfter = Math.max(1, Math.ceil(retryAfterSeconds))
  return error
}
export const InvalidCode = define(
  'invalid_code',
  401,
  'That code is not right; try again',
  'The authenticator code or recovery code does not match, was used already, or is from too long ago; the sign-in ticket stays usable for a few more tries.',
)
export const MfaTokenInvalid = define(
  'mfa_token_invalid',
  401,
  'The sign-in has expired; enter your password again',
  'The mfa_token of POST /auth/login/mfa is unknown, used, older than 5 minutes, or ended by too many wrong codes: sign in with the password again.',
)
export const TotpEnrolled = define(
  'totp_enrolled',
  409,
  'An authenticator app is already set up',
  'Turn the current one off (DELETE /auth/mfa/totp) before setting up another.',
)
export const TotpNotSetUp = define(
  'totp_not_set_up',
  409,
  'Set up an authenticator app first',
  'POST /auth/mfa/totp/confirm needs a secret from POST /auth/mfa/totp/setup.',
)
export const TotpNotEnrolled = define(
  'totp_not_enrolled',
  409,
  'Two-step verification is not on',
  'Turning the app off needs an authenticator app that is set up and confirmed; recovery codes need a second factor (the app or a passkey).',
)
export const PasskeyInvalid = define(
  'passkey_invalid',
  401,
  'That passkey could not be used; try again, or sign in another way',
  'The passkey answer does not verify: an unknown or removed passkey, a challenge that is used, older than 5 minutes or for something else, another origin or relying party, a bad signature, or a signature counter that went back (a cloned key). Ask for new options and try again.',
)
export const PasskeyNotVerified = define(
  'passkey_not_verified',
  401,
  'This passkey did not check it is you (no PIN, fingerprint or face): sign in with your password, then use it as the second step',
  'Signing in with a passkey alone, or re-authenticating with one, needs user verification (the UV flag); a security key without a PIN can still be the second step after the password.',
)
export const PasskeyRegistered = define(
  'passkey_registered',
  409,
  'This passkey is already registered',
  'The authenticator answered with a credential that is already registered (to this account or another); each passkey is registered once.',
)
