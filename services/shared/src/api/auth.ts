// Request and response schemas of the auth service's public and internal routes, shared with the web client.
import { type Static, Type } from 'typebox'
import { NO_NUL, PLAIN_TEXT, UserSchema } from './common.ts'

export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{2,31}$'

export const Username = Type.String({
  pattern: USERNAME_PATTERN,
  title: 'Username',
  description: '3 to 32 letters, digits, dots, dashes or underscores',
  errorMessage: 'must be 3 to 32 characters: letters, digits, dots, dashes or underscores, starting with a letter or digit',
})
export const Email = Type.String({
  format: 'email',
  maxLength: 254,
  title: 'Email',
  errorMessage: 'must be an email address like name@example.com',
})
/** Any password the server can hash: the length and block-list rules are applied by the service, with field messages. */
export const Password = Type.String({ minLength: 1, maxLength: 1024, pattern: NO_NUL, title: 'Password' })

export const SignupRequest = Type.Object(
  {
    username: Username,
    password: Password,
    confirm_password: Type.Optional({ ...Password, title: 'Confirm password' }),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
  },
  { additionalProperties: false },
)
export type SignupRequest = Static<typeof SignupRequest>

export const SignupResponse = Type.Object({ user: UserSchema })

export const SessionModeSchema = Type.Union([Type.Literal('cookie'), Type.Literal('token')], { title: 'Session', errorMessage: 'must be "cookie" or "token"' })

export const LoginRequest = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 254, pattern: PLAIN_TEXT, title: 'Username or email', description: 'username or email' }),
    password: Password,
    session: Type.Optional(SessionModeSchema),
  },
  { additionalProperties: false },
)
export type LoginRequest = Static<typeof LoginRequest>

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  refresh_token: Type.Optional(Type.String()),
  user: UserSchema,
})
export type TokenResponse = Static<typeof TokenResponse>

export const RefreshRequest = Type.Object({ refresh_token: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) }, { additionalProperties: false })
export type RefreshRequest = Static<typeof RefreshRequest>

export const PasswordChangeRequest = Type.Object(
  { current_password: { ...Password, title: 'Current password' }, new_password: { ...Password, title: 'New password' } },
  { additionalProperties: false },
)
export type PasswordChangeRequest = Static<typeof PasswordChangeRequest>

/** The token of a link in a mail (reset, verification, invitation): 43 base64url characters, 256 bits. */
export const LinkToken = Type.String({
  minLength: 20,
  maxLength: 128,
  pattern: '^[A-Za-z0-9_-]+$',
  title: 'Link',
  errorMessage: 'is not the token of one of our links',
})

/** POST /auth/password/forgot: a username or an email; the answer never says whether it names an account. */
export const ForgotPasswordRequest = Type.Object(
  { login: Type.String({ minLength: 1, maxLength: 254, pattern: PLAIN_TEXT, title: 'Username or email' }) },
  { additionalProperties: false },
)
export type ForgotPasswordRequest = Static<typeof ForgotPasswordRequest>

/** POST /auth/password/reset: the link's token and the new password (under the usual policy). */
export const ResetPasswordRequest = Type.Object({ token: LinkToken, new_password: { ...Password, title: 'New password' } }, { additionalProperties: false })
export type ResetPasswordRequest = Static<typeof ResetPasswordRequest>

/** POST /auth/email/verify: the verification link's token. */
export const VerifyEmailRequest = Type.Object({ token: LinkToken }, { additionalProperties: false })
export type VerifyEmailRequest = Static<typeof VerifyEmailRequest>

/**
 * POST /auth/email/verify/resend: a signed-in user's own address (Bearer token, no body), or, for an account that may not
 * sign in until its address is verified, its username or email (answered the same whether or not it names one).
 */
export const ResendVerificationRequest = Type.Object(
  { login: Type.Optional(Type.String({ minLength: 1, maxLength: 254, pattern: PLAIN_TEXT, title: 'Username or email' })) },
  { additionalProperties: false },
)
export type ResendVerificationRequest = Static<typeof ResendVerificationRequest>

/** 202: taken; a mail follows if there is one to send. */
export const AcceptedResponse = Type.Object({}, { description: 'accepted: a mail follows when there is one to send' })
export type AcceptedResponse = Static<typeof AcceptedResponse>

/** GET /auth/password-policy: the settings behind the password rules, so a client shows the rules the server applies. */
export const PasswordPolicyResponse = Type.Object({
  min_length: Type.Integer({ description: 'PASSWORD_MIN_LENGTH: the fewest characters a password may have' }),
  max_length: Type.Integer({ description: 'the most characters a password may have' }),
  product_name: Type.String({ description: 'the name a password must not be built from, besides the username and email' }),
  email_verification: Type.Union([Type.Literal('off'), Type.Literal('optional'), Type.Literal('required')], {
    description: 'EMAIL_VERIFICATION: whether addresses are proven by a link (optional), must be before sign-in (required), or not at all (off)',
  }),
})
export type PasswordPolicyResponse = Static<typeof PasswordPolicyResponse>

export const JwksResponse = Type.Object({
  keys: Type.Array(
    Type.Object({
      kid: Type.String(),
      alg: Type.String(),
      kty: Type.String(),
      use: Type.String(),
      crv: Type.Optional(Type.String()),
      x: Type.Optional(Type.String()),
      y: Type.Optional(Type.String()),
    }),
  ),
})

export const ClientCredentialsRequest = Type.Object(
  {
    grant_type: Type.String({ maxLength: 64 }),
    client_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    client_secret: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    scope: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
)
export type ClientCredentialsRequest = Static<typeof ClientCredentialsRequest>

export const ServiceTokenResponse = Type.Object({
  access_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  scope: Type.String(),
})

export const IdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$', title: 'Id', errorMessage: 'must be an id of letters, digits and dashes' }),
})

/** The largest page of the revocation feed; a client pages on until a page comes back with has_more false. */
export const REVOCATION_PAGE_MAX = 10_000

export const RevocationsQuery = Type.Object(
  {
    since: Type.Optional(Type.Integer({ minimum: 0, description: 'revocations at or after this time (epoch ms)' })),
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        pattern: '^[A-Za-z0-9-]+$',
        description: 'with since: only rows of that millisecond with a greater id (the last row read)',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: REVOCATION_PAGE_MAX, description: `rows per page, at most ${REVOCATION_PAGE_MAX}` })),
  },
  { additionalProperties: false },
)

export const RevocationsResponse = Type.Object({
  now: Type.Integer(),
  revocations: Type.Array(
    Type.Object({
      id: Type.String(),
      kind: Type.Union([Type.Literal('session'), Type.Literal('user')]),
      subject: Type.String(),
      at: Type.Integer(),
    }),
    { description: 'in (at, id) order' },
  ),
  has_more: Type.Boolean({ description: 'the page was full: ask again from its last row (since = its at, after = its id)' }),
})
export type RevocationsResponse = Static<typeof RevocationsResponse>

export const RevokedCountResponse = Type.Object({ revoked: Type.Integer() })
