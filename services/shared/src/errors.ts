// The problems every Portcullis process may answer with (each package declares its own beside its code: auth's in
// services/auth/src/errors.ts, and so on), and the helpers that build field errors.
import { type ProblemError, problemsOf } from './problems/define.ts'

export interface FieldError {
  field: string
  /** One human sentence: "Username must be 3 to 32 characters: …". */
  message: string
  /** A stable machine code for the problem: required, too_short, pattern, reserved, common… */
  code?: string
}

/** "new_password" → "New password", "user.display_name" → "Display name": the label a person knows a field by. */
export function fieldLabel(field: string): string {
  const last = field.split('.').at(-1) ?? field
  const words = last.replaceAll('_', ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** A field error as one sentence: the label, what is wrong with it ("must be …", "is …"), a full stop. */
export function fieldProblem(field: string, problem: string, code: string, label = fieldLabel(field)): FieldError {
  const sentence = `${label} ${problem}`.trim()
  return { field, message: /[.!?]$/.test(sentence) ? sentence : `${sentence}.`, code }
}

export type { ProblemError, ProblemExtras, ProblemFactory } from './problems/define.ts'

const define = problemsOf('shared')

// What any route of any process may answer: the request itself is wrong, or the process cannot serve it.
export const ValidationFailed = define(
  'validation_failed',
  422,
  'The request is not valid',
  'A field is missing or wrong: `errors` holds one sentence per field ({field, message, code}); fix those and send again.',
)
export const MalformedBody = define(
  'malformed_body',
  400,
  'The request body is not valid JSON',
  'The body could not be parsed as JSON (or was empty while declared as JSON).',
)
export const BadRequest = define(
  'bad_request',
  400,
  'The request cannot be understood',
  'The request is not valid HTTP, its URL cannot be decoded or routed, or it did not arrive whole.',
)
export const PayloadTooLarge = define('payload_too_large', 413, 'The request body is too large', 'The body is larger than BODY_LIMIT (16 KiB by default).')
export const UnsupportedMediaType = define(
  'unsupported_media_type',
  415,
  'The request body has an unsupported content type',
  "The API takes application/json bodies (and auth's token endpoint form bodies too).",
)
export const HeadersTooLarge = define(
  'headers_too_large',
  431,
  'The request line and headers are too large',
  "The request line and headers together are over Node's limit.",
)
export const RequestTimeout = define(
  'request_timeout',
  408,
  'The request took too long to arrive',
  'The client sent its request too slowly; the connection is closed.',
)
export const NotFound = define(
  'not_found',
  404,
  'Nothing is here',
  'No route answers this method and path, or the thing it names does not exist (a user, a session of yours).',
)
export const RateLimited = define(
  'rate_limited',
  429,
  'Too many requests; slow down',
  'This client IP sent more than RATE_LIMIT_PER_IP requests (or LOGIN_LIMIT_PER_IP logins, sign-ups, resets and mail requests) this minute; wait Retry-After seconds.',
)
export const ServiceUnavailable = define(
  'service_unavailable',
  503,
  'The service cannot answer right now',
  'The service cannot reach its database (a restart or failover); send again after Retry-After seconds.',
)
export const NotReady = define(
  'not_ready',
  503,
  'Not ready',
  "The management port's /readyz: the process is draining, or a dependency (database, keys, feed) is not there.",
)
export const InternalError = define(
  'internal_error',
  500,
  'Something went wrong on our side',
  'A fault of ours, logged with the request id; nothing about it is in the answer.',
)

// Access tokens, checked by every process that serves a signed-in route.
export const Unauthenticated = define(
  'unauthenticated',
  401,
  'Authentication is required',
  'The route needs an access token (Authorization: Bearer) and none was sent.',
)
export const InvalidToken = define(
  'invalid_token',
  401,
  'The access token is not valid',
  'The access token is malformed, its signature or claims do not verify, or it was revoked: refresh, or sign in again.',
)
export const TokenExpired = define(
  'token_expired',
  401,
  'The access token has expired',
  'The access token is past its exp: get a new one with the refresh token.',
)
export const Forbidden = define(
  'forbidden',
  403,
  'You are not allowed to do that',
  'The token is valid but its role does not allow this route (an admin route for a user).',
)

// The account and its sessions: auth, user and admin answer them alike.
export const AccountDisabled = define(
  'account_disabled',
  403,
  'This account is disabled',
  'An admin disabled the account: it cannot sign in, and its tokens are refused.',
)
export const SessionRevoked = define(
  'session_revoked',
  401,
  'The session has been revoked; sign in again',
  'The session was ended (sign-out, sign-out everywhere, a password change, an admin) or has been idle too long: sign in again.',
)
export const InvalidLink = define(
  'invalid_link',
  400,
  'This link has expired or was already used; ask for a new one',
  'The token of a reset, verification or invitation link is unknown, used, expired, or superseded by a newer link: ask for a new one.',
)
export const UsernameTaken = define('username_taken', 409, 'That username is taken', 'Another account has this username (compared without case).')
export const EmailTaken = define('email_taken', 409, 'That email address is already in use', 'Another account has this email address.')

export function validationFailed(fieldErrors: FieldError[], message?: string): ProblemError {
  const error: ProblemError = new ValidationFailed()
  error.message = message ?? fieldErrors.map((f) => f.message).join(' ')
  error.fieldErrors = fieldErrors
  return error
}

// Step-up and the second-factor policy: auth, user and admin ask the same rules (tokens/recent-auth.ts, the admin policy).
export const ReauthenticationRequired = define(
  'reauthentication_required',
  401,
  'For your security, confirm it is you: sign in again to make this change',
  'Changing the password, the email or the second factors needs a sign-in (or POST /auth/reauthenticate) within the last STEP_UP_MAX_AGE seconds; WWW-Authenticate carries error="insufficient_user_authentication" and max_age (RFC 9470). Re-authenticate, then send again with the new access token.',
)
export const MfaEnrolmentRequired = define(
  'mfa_enrolment_required',
  403,
  'Admins must use two-step verification: set up an authenticator app or a passkey on your profile first',
  'MFA_REQUIRED_FOR_ADMINS is on and this admin has no second factor: the admin console answers once one is set up (GET /auth/mfa, POST /auth/mfa/totp/setup or a passkey).',
)
