// Registering a passkey: options for navigator.credentials.create() (a discoverable credential, so it can sign in alone;
// the account's passkeys excluded, so one authenticator is not registered twice), then the browser's answer verified by
// @simplewebauthn/server against the challenge, PUBLIC_URL's origin and relying party ID. The account's first second factor
// comes with ten recovery codes, shown once.
import { generateRegistrationOptions, type RegistrationResponseJSON, verifyRegistrationResponse } from '@simplewebauthn/server'
import type { PasskeyCreationOptions, PasskeyRegistrationCredential } from '@portcullis/shared/api/passkeys'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { User } from '@portcullis/shared/db/schema'
import { newId } from '@portcullis/shared/ids'
import { hasSecondFactor } from '@portcullis/shared/mfa/status'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { PasskeyInvalid, PasskeyRegistered } from '../errors.ts'
import { replaceRecoveryCodes } from '../mfa/recovery-codes.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { findChallenge, saveChallenge, spendChallenge } from './challenges.ts'
import { relyingParty } from './relying-party.ts'
import { credentialHash, findPasskeyByCredential, insertPasskey, listPasskeys, type PasskeyRow, passkeyTransports } from './store.ts'

/** How long the browser waits for the user, ms (the challenge itself lasts five minutes). */
const CEREMONY_TIMEOUT_MS = 120_000

export async function registrationOptions(auth: AuthContext, user: User): Promise<PasskeyCreationOptions> {
  const rp = relyingParty(auth.authConfig)
  const existing = await listPasskeys(auth.db, user.id)
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.username,
    userID: new TextEncoder().encode(user.id),
    userDisplayName: user.display_name ?? user.username,
    attestationType: 'none',
    excludeCredentials: existing.map((passkey) => ({ id: passkey.credential_id, transports: passkeyTransports(passkey) })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    timeout: CEREMONY_TIMEOUT_MS,
  })
  await saveChallenge(auth.db, options.challenge, 'register', user.id, auth.now())
  return options as PasskeyCreationOptions
}

export interface RegisteredPasskey {
  passkey: PasskeyRow
  /** The account's first second factor: its recovery codes, to be shown once. */
  recoveryCodes: string[] | undefined
}

export async function registerPasskey(
  auth: AuthContext,
  user: User,
  credential: PasskeyRegistrationCredential,
  name: string | undefined,
  origin: RequestOrigin,
): Promise<RegisteredPasskey> {
  const now = auth.now()
  const rp = relyingParty(auth.authConfig)
  const challenge = await findChallenge(auth.db, credential.response.clientDataJSON, 'register', now)
  if (!challenge || challenge.userId !== user.id) throw new PasskeyInvalid()
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>
  try {
    verified = await verifyRegistrationResponse({
      response: credential as RegistrationResponseJSON,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    })
  } catch {
    throw new PasskeyInvalid()
  }
  if (!verified.verified) throw new PasskeyInvalid()
  const info = verified.registrationInfo
  if (await findPasskeyByCredential(auth.db, info.credential.id)) throw new PasskeyRegistered()
  if (!(await spendChallenge(auth.db, challenge))) throw new PasskeyInvalid()

  return auth.db.transaction().execute(async (trx) => {
    const firstFactor = !(await hasSecondFactor(trx, user.id))
    const count = (await listPasskeys(trx, user.id)).length
    const passkey: PasskeyRow = {
      id: newId(),
      user_id: user.id,
      credential_hash: credentialHash(info.credential.id),
      credential_id: info.credential.id,
      public_key: Buffer.from(info.credential.publicKey).toString('base64url'),
      counter: info.credential.counter,
      transports: info.credential.transports?.join(',').slice(0, 255) ?? null,
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp ? 1 : 0,
      aaguid: info.aaguid,
      name: name?.trim() || `Passkey ${count + 1}`,
      created_at: now,
      last_used_at: null,
    }
    await insertPasskey(trx, passkey)
    const recoveryCodes = firstFactor ? await replaceRecoveryCodes(trx, user.id, now) : undefined
    const audit = { userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent }
    await recordAuditEvent(trx, { ...audit, type: 'passkey_added', detail: { passkey_id: passkey.id, name: passkey.name } }, now)
    if (firstFactor) await recordAuditEvent(trx, { ...audit, type: 'mfa_enabled', detail: { method: 'passkey' } }, now)
    return { passkey, recoveryCodes }
  })
}
