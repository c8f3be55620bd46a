// Schemas of signing in to other apps with Portcullis (the OpenID Connect provider's interaction, and the user's apps),
// shared with the web client.
import { type Static, Type } from 'typebox'

/** What the consent page shows: who asks, for what, and whether the user must first confirm it is them. */
export const InteractionDetails = Type.Object({
  uid: Type.String(),
  /** consent: the user is asked to allow the client; login: the client asked for a fresh sign-in (prompt=login, max_age). */
  prompt: Type.Union([Type.Literal('consent'), Type.Literal('login')]),
  client: Type.Object({ client_id: Type.String(), name: Type.String() }),
  /** The scopes the client asks for that the user has not yet allowed it (openid, profile, email, offline_access ...). */
  scopes: Type.Array(Type.String()),
  username: Type.String(),
})
export type InteractionDetails = Static<typeof InteractionDetails>

export const InteractionParams = Type.Object(
  { uid: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', errorMessage: 'is not a sign-in request of ours' }) },
  { additionalProperties: false },
)
export type InteractionParams = Static<typeof InteractionParams>

export const ConsentDecision = Type.Object(
  {
    decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')], { errorMessage: 'must be "allow" or "deny"' }),
  },
  { additionalProperties: false },
)
export type ConsentDecision = Static<typeof ConsentDecision>

/** Where the browser goes next: back to the client (with a code, or the error access_denied). */
export const InteractionRedirect = Type.Object({ redirect_to: Type.String() })
export type InteractionRedirect = Static<typeof InteractionRedirect>

export const UserAppSchema = Type.Object({
  client_id: Type.String(),
  name: Type.String(),
  /** What the user allowed it (empty for a first-party app, which is not asked). */
  scopes: Type.Array(Type.String()),
  consented_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Live sign-ins: 0 once signed out (the consent may stay). */
  sign_ins: Type.Integer(),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
export type UserApp = Static<typeof UserAppSchema>

export const UserAppsResponse = Type.Object({ apps: Type.Array(UserAppSchema) })
export type UserAppsResponse = Static<typeof UserAppsResponse>

export const UserAppParams = Type.Object(
  { client_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', errorMessage: 'is not a client id' }) },
  { additionalProperties: false },
)
export type UserAppParams = Static<typeof UserAppParams>
