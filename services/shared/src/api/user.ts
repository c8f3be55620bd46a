// Request and response schemas of the user service's routes, shared with the web client.
import { type Static, Type } from 'typebox'
import { Email, IdParams, Password, SessionModeSchema } from './auth.ts'
import { EventPartySchema, PLAIN_TEXT, UserSchema } from './common.ts'

/** The signed-in user's own profile: the same shape as every other user view. */
export const ProfileResponse = UserSchema
export type ProfileResponse = Static<typeof ProfileResponse>

export const DisplayName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: PLAIN_TEXT,
  title: 'Display name',
  errorMessage: 'must be 1 to 100 characters of visible text, with no control or invisible formatting characters',
})

/**
 * Each field is optional; null clears it. Changing or clearing `email` needs `current_password`, and a new address takes
 * effect only once its verification link is opened (until then it is the profile's `pending_email`).
 */
export const ProfileUpdateRequest = Type.Object(
  {
    display_name: Type.Optional(Type.Union([DisplayName, Type.Null()])),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    current_password: Type.Optional({ ...Password, title: 'Current password' }),
  },
  { additionalProperties: false },
)
export type ProfileUpdateRequest = Static<typeof ProfileUpdateRequest>

export const AccountSessionSchema = Type.Object({
  id: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  mode: SessionModeSchema,
  /** True for the session of the access token that asked. */
  current: Type.Boolean(),
})
export type AccountSession = Static<typeof AccountSessionSchema>

export const SessionsResponse = Type.Object({ sessions: Type.Array(AccountSessionSchema) })
export type SessionsResponse = Static<typeof SessionsResponse>

export const SessionParams = IdParams

export const AccountEventSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  at: Type.String({ format: 'date-time' }),
  /** Who did it when it was not the user themselves: an admin by username, a service by name, or the command line. */
  actor: Type.Union([EventPartySchema, Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
})
export type AccountEvent = Static<typeof AccountEventSchema>

export const DashboardResponse = Type.Object({
  profile: UserSchema,
  sessions: Type.Array(AccountSessionSchema),
  recent_events: Type.Array(AccountEventSchema),
})
export type DashboardResponse = Static<typeof DashboardResponse>
