// Request and response schemas of the admin console's OpenID Connect clients (/admin/oidc-clients), shared with the web
// client. The schemas bound only types and sizes: what makes a name or a redirect URI acceptable is oidc/clients.ts', whose
// refusals come back as validation_failed with a sentence per field, the same for the console and the command.
import { type Static, Type } from 'typebox'

const Name = Type.String({ maxLength: 256, title: 'Name', description: 'how the app is shown to users and in the console; unique' })
const RedirectUris = Type.Array(Type.String({ maxLength: 4096, title: 'Redirect URI' }), {
  maxItems: 100,
  title: 'Redirect URIs',
  description: 'where the provider may send the user back, each an absolute http(s) URI without a fragment, matched exactly',
})
const FirstParty = Type.Boolean({ title: 'First-party', description: 'one of your own apps: its users are not asked to consent' })

export const OidcClientSchema = Type.Object({
  client_id: Type.String(),
  name: Type.String(),
  redirect_uris: Type.Array(Type.String()),
  /** A public client (a single-page or native app) has no secret and must use PKCE; a confidential one authenticates with its secret. */
  public: Type.Boolean(),
  first_party: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  /** When it was disabled (its sign-ins ended, the provider refuses it); null while enabled. */
  disabled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
export type OidcClientBody = Static<typeof OidcClientSchema>

export const OidcClientListResponse = Type.Object({ clients: Type.Array(OidcClientSchema, { description: 'every client, by name' }) })
export type OidcClientListResponse = Static<typeof OidcClientListResponse>

export const OidcClientIdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', title: 'Client id', errorMessage: 'is not a client id' }) },
  { additionalProperties: false },
)
export type OidcClientIdParams = Static<typeof OidcClientIdParams>

/** POST /admin/oidc-clients */
export const OidcClientCreateRequest = Type.Object(
  {
    name: Name,
    redirect_uris: RedirectUris,
    public: Type.Optional(Type.Boolean({ title: 'Public', description: 'no secret, PKCE only; false by default' })),
    first_party: Type.Optional(FirstParty),
  },
  { additionalProperties: false },
)
export type OidcClientCreateRequest = Static<typeof OidcClientCreateRequest>

/** PATCH /admin/oidc-clients/:id: whether a client is public cannot change (make a new one). */
export const OidcClientChangeRequest = Type.Object(
  {
    name: Type.Optional(Name),
    redirect_uris: Type.Optional(RedirectUris),
    first_party: Type.Optional(FirstParty),
    disabled: Type.Optional(Type.Boolean({ title: 'Disabled', description: 'true ends every sign-in to the app and refuses it; false enables it again' })),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type OidcClientChangeRequest = Static<typeof OidcClientChangeRequest>

/** The answer of a create: the client and, for a confidential one, its secret, shown this once (null for a public client). */
export const OidcClientCreatedResponse = Type.Object({
  client: OidcClientSchema,
  client_secret: Type.Union([Type.String(), Type.Null()], { description: 'shown only now; stored as its hash. null for a public client' }),
})
export type OidcClientCreatedResponse = Static<typeof OidcClientCreatedResponse>

/** POST /admin/oidc-clients/:id/secret: the new secret, shown this once; the old one no longer works. */
export const OidcClientSecretResponse = Type.Object({
  client: OidcClientSchema,
  client_secret: Type.String({ description: 'shown only now; the previous secret is refused from now on' }),
})
export type OidcClientSecretResponse = Static<typeof OidcClientSecretResponse>
