// Schemas every API shares: problem details, users as the API shows them.
import { type Static, Type } from 'typebox'

/**
 * Free text a person types (names, search terms, logins): no control characters, no invisible format characters (bidi
 * overrides, zero-width joiners), no private-use or unpaired surrogate code points, no line or paragraph separators.
 */
export const PLAIN_TEXT = '^[^\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}\\p{Zl}\\p{Zp}]*$'

/** A secret a person types (passwords): anything but NUL, since a password may be any printable text and spaces. */
export const NO_NUL = '^[^\\u0000]*$'

export const FieldErrorSchema = Type.Object({
  field: Type.String({ description: 'the field, as named in the request (nested fields joined by dots)' }),
  message: Type.String({ description: 'one human sentence saying what is wrong and how to put it right' }),
  code: Type.Optional(Type.String({ description: 'a stable machine code for the problem, e.g. required, too_short, pattern, reserved' })),
})
export type FieldErrorBody = Static<typeof FieldErrorSchema>

export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  code: Type.String(),
  instance: Type.Optional(Type.String()),
  request_id: Type.String(),
  errors: Type.Optional(Type.Array(FieldErrorSchema)),
})
export type ProblemBody = Static<typeof ProblemSchema>

/** Who an event is about or who did it, as a person reads it: a user by username, a service client by its name. */
export const EventPartySchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('user'), Type.Literal('service'), Type.Literal('system')], {
    description: 'user: an account; service: a service client; system: the command line or Portcullis itself',
  }),
  name: Type.String({ description: 'the username, the service client name, or "command line"' }),
})
export type EventParty = Static<typeof EventPartySchema>

export const RoleSchema = Type.Union([Type.Literal('user'), Type.Literal('admin')])
export const UserStatusSchema = Type.Union([Type.Literal('active'), Type.Literal('disabled')])

export const UserSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  /** The address was proven by a verification link (false while there is none). */
  email_verified: Type.Boolean(),
  /** An email change waiting for its verification link; `email` stays the old address until then. */
  pending_email: Type.Union([Type.String(), Type.Null()]),
  display_name: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  status: UserStatusSchema,
  created_at: Type.String({ format: 'date-time' }),
  last_login_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
export type UserBody = Static<typeof UserSchema>
