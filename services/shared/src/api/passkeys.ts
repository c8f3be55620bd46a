// Request and response schemas of passkeys (WebAuthn), shared with the web client: the options a browser hands to
// navigator.credentials (PublicKeyCredential*OptionsJSON, as @simplewebauthn/server makes them and
// @simplewebauthn/browser takes them) and the credential it answers with (Registration/AuthenticationResponseJSON).
import { type Static, Type } from 'typebox'
import { SessionModeSchema } from './auth.ts'
import { PLAIN_TEXT } from './common.ts'

const BASE64URL = '^[A-Za-z0-9_-]*$'
const Base64Url = (maxLength: number) => Type.String({ maxLength, pattern: BASE64URL })
/** A credential id: up to 1,023 bytes (WebAuthn), base64url. */
const CredentialId = Type.String({ minLength: 1, maxLength: 1400, pattern: BASE64URL })
const Transport = Type.String({ maxLength: 16, pattern: '^[a-z-]+$' })
/** What the browser reports besides; kept loose, as browsers add members over time, and never trusted. */
const ClientExtensionResults = Type.Object({}, { additionalProperties: true })
const Attachment = Type.Optional(Type.Union([Type.Literal('platform'), Type.Literal('cross-platform')]))

/** What navigator.credentials.create() answered, as @simplewebauthn/browser's startRegistration() returns it. */
export const PasskeyRegistrationCredential = Type.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: Base64Url(4096),
        attestationObject: Base64Url(16_384),
        authenticatorData: Type.Optional(Base64Url(16_384)),
        transports: Type.Optional(Type.Array(Transport, { maxItems: 8 })),
        publicKeyAlgorithm: Type.Optional(Type.Integer()),
        publicKey: Type.Optional(Base64Url(4096)),
      },
      { additionalProperties: true },
    ),
    authenticatorAttachment: Attachment,
    clientExtensionResults: ClientExtensionResults,
  },
  { additionalProperties: true, title: 'Passkey', errorMessage: 'is not a passkey answer from the browser' },
)
export type PasskeyRegistrationCredential = Static<typeof PasskeyRegistrationCredential>

/** What navigator.credentials.get() answered, as @simplewebauthn/browser's startAuthentication() returns it. */
export const PasskeyAssertion = Type.Object(
  {
    id: CredentialId,
    rawId: CredentialId,
    type: Type.Literal('public-key'),
    response: Type.Object(
      {
        clientDataJSON: Base64Url(4096),
        authenticatorData: Base64Url(16_384),
        signature: Base64Url(4096),
        userHandle: Type.Optional(Base64Url(512)),
      },
      { additionalProperties: true },
    ),
    authenticatorAttachment: Attachment,
    clientExtensionResults: ClientExtensionResults,
  },
  { additionalProperties: true, title: 'Passkey', errorMessage: 'is not a passkey answer from the browser' },
)
export type PasskeyAssertion = Static<typeof PasskeyAssertion>

const CredentialDescriptor = Type.Object({ id: Type.String(), type: Type.Literal('public-key'), transports: Type.Optional(Type.Array(Type.String())) })

/** PublicKeyCredentialCreationOptionsJSON: for startRegistration({ optionsJSON }). */
export const PasskeyCreationOptions = Type.Object(
  {
    challenge: Type.String(),
    rp: Type.Object({ id: Type.Optional(Type.String()), name: Type.String() }),
    user: Type.Object({ id: Type.String(), name: Type.String(), displayName: Type.String() }),
    pubKeyCredParams: Type.Array(Type.Object({ alg: Type.Integer(), type: Type.Literal('public-key') })),
    timeout: Type.Optional(Type.Integer()),
    excludeCredentials: Type.Optional(Type.Array(CredentialDescriptor)),
    authenticatorSelection: Type.Optional(Type.Object({}, { additionalProperties: true })),
    attestation: Type.Optional(Type.String()),
    extensions: Type.Optional(Type.Object({}, { additionalProperties: true })),
    hints: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
)
export type PasskeyCreationOptions = Static<typeof PasskeyCreationOptions>

/** PublicKeyCredentialRequestOptionsJSON: for startAuthentication({ optionsJSON }). */
export const PasskeyRequestOptions = Type.Object(
  {
    challenge: Type.String(),
    rpId: Type.Optional(Type.String()),
    timeout: Type.Optional(Type.Integer()),
    allowCredentials: Type.Optional(Type.Array(CredentialDescriptor)),
    userVerification: Type.Optional(Type.String()),
    extensions: Type.Optional(Type.Object({}, { additionalProperties: true })),
    hints: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: true },
)
export type PasskeyRequestOptions = Static<typeof PasskeyRequestOptions>

export const PasskeyName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: PLAIN_TEXT,
  title: 'Name',
  errorMessage: 'must be 1 to 64 characters, such as "Work laptop"',
})

/** One of the signed-in user's passkeys, as the profile lists it. */
export const PasskeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  synced: Type.Boolean({ description: 'a multi-device passkey that is backed up (in a password manager or a platform account)' }),
})
export type Passkey = Static<typeof PasskeySchema>

export const PasskeyListResponse = Type.Object({ passkeys: Type.Array(PasskeySchema) })
export type PasskeyListResponse = Static<typeof PasskeyListResponse>

/** POST /auth/passkeys/register: the browser's answer to the options, and a name for it. */
export const PasskeyRegisterRequest = Type.Object(
  { credential: PasskeyRegistrationCredential, name: Type.Optional(PasskeyName) },
  { additionalProperties: false },
)
export type PasskeyRegisterRequest = Static<typeof PasskeyRegisterRequest>

/** The new passkey; recovery codes, shown once, when it is the account's first second factor. */
export const PasskeyRegisterResponse = Type.Object({
  passkey: PasskeySchema,
  recovery_codes: Type.Optional(Type.Array(Type.String(), { minItems: 10, maxItems: 10 })),
})
export type PasskeyRegisterResponse = Static<typeof PasskeyRegisterResponse>

export const PasskeyRenameRequest = Type.Object({ name: PasskeyName }, { additionalProperties: false })
export type PasskeyRenameRequest = Static<typeof PasskeyRenameRequest>

/** POST /auth/passkeys/login: a passkey alone signs in. */
export const PasskeyLoginRequest = Type.Object({ credential: PasskeyAssertion, session: Type.Optional(SessionModeSchema) }, { additionalProperties: false })
export type PasskeyLoginRequest = Static<typeof PasskeyLoginRequest>
