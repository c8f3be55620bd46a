// Named error factories with stable problem codes, shared by every Portcullis process.
import createError, { type FastifyErrorConstructor } from '@fastify/error'

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

/** Extra members an error may carry into its problem+json answer. */
export interface ProblemExtras {
  retryAfter?: number
  fieldErrors?: FieldError[]
  wwwAuthenticate?: string
}

/** @fastify/error upper-cases codes; the API speaks them in snake_case. */
const knownCodes = new Map<string, string>()

function define(code: string, message: string, status: number): FastifyErrorConstructor<{ code: string; statusCode: number }> {
  knownCodes.set(code.toUpperCase(), code)
  return createError(code, message, status)
}

/** The API code of one of our errors, or undefined for any other error. */
export function problemCode(error: { code?: unknown }): string | undefined {
  return typeof error.code === 'string' ? knownCodes.get(error.code) : undefined
}

export const ValidationFailed = define('validation_failed', 'The request is not valid', 422)
export const MalformedBody = define('malformed_body', 'The request body is not valid JSON', 400)
export const BadRequest = define('bad_request', 'The request cannot be understood', 400)
export const PayloadTooLarge = define('payload_too_large', 'The request body is too large', 413)
export const UnsupportedMediaType = define('unsupported_media_type', 'The request body has an unsupported content type', 415)
export const NotFound = define('not_found', 'Nothing is here', 404)
export const MethodNotAllowed = define('method_not_allowed', 'That method is not allowed here', 405)
export const Unauthenticated = define('unauthenticated', 'Authentication is required', 401)
export const InvalidToken = define('invalid_token', 'The access token is not valid', 401)
export const TokenExpired = define('token_expired', 'The access token has expired', 401)
export const InvalidCredentials = define('invalid_credentials', 'Invalid username or password', 401)
export const InvalidRefreshToken = define('invalid_refresh_token', 'The refresh token is not valid', 401)
export const SessionExpired = define('session_expired', 'The session has expired; sign in again', 401)
export const SessionRevoked = define('session_revoked', 'The session has been revoked; sign in again', 401)
export const RefreshTokenReused = define('refresh_token_reused', 'The refresh token was already used; the session has been revoked', 401)
export const InvalidClient = define('invalid_client', 'Client authentication failed', 401)
export const UnsupportedGrantType = define('unsupported_grant_type', 'Only the client_credentials grant is supported', 400)
export const Forbidden = define('forbidden', 'You are not allowed to do that', 403)
export const AccountDisabled = define('account_disabled', 'This account is disabled', 403)
export const CsrfRejected = define('csrf_rejected', 'Cookie-authenticated requests must carry the X-CSRF-Protection header', 403)
export const UsernameTaken = define('username_taken', 'That username is taken', 409)
export const EmailTaken = define('email_taken', 'That email address is already in use', 409)
export const LastAdmin = define('last_admin', 'The last active admin cannot be demoted or disabled', 409)
export const UpstreamUnavailable = define('upstream_unavailable', 'The service behind this route cannot answer right now', 502)
export const UpstreamTimeout = define('upstream_timeout', 'The service behind this route took too long to answer', 504)
export const TooManyAttempts = define('too_many_attempts', 'Too many attempts; try again later', 429)
export const RateLimited = define('rate_limited', 'Too many requests; slow down', 429)
export const ServiceUnavailable = define('service_unavailable', 'The service cannot answer right now', 503)
export const InternalError = define('internal_error', 'Something went wrong on our side', 500)

export function validationFailed(fieldErrors: FieldError[], message?: string): Error & ProblemExtras {
  const error: Error & ProblemExtras = new ValidationFailed()
  error.message = message ?? fieldErrors.map((f) => f.message).join(' ')
  error.fieldErrors = fieldErrors
  return error
}

export function tooManyAttempts(retryAfterSeconds: number): Error & ProblemExtras {
  const error: Error & ProblemExtras = new TooManyAttempts()
  error.retryAfter = Math.max(1, Math.ceil(retryAfterSeconds))
  return error
}
