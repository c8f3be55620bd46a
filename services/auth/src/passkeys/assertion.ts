// Using a passkey: options for navigator.credentials.get() and the browser's answer checked against them. Signing in with
// a passkey alone and re-authenticating need the authenticator to have verified the user (PIN, biometrics); as the second
// step after a password, presence is enough. The answer must be for the challenge's purpose, by a passkey of the user the
// challenge was handed to (when it was handed to someone), and move the signature counter on (a counter that goes back is
// a cloned key: refused). The challenge is spent once an answer verifies.
import { type AuthenticationResponseJSON, generateAuthenticationOptions, verifyAuthenticationResponse } from '@simplewebauthn/server'
import type { PasskeyAssertion, PasskeyRequestOptions } from '@portcullis/shared/api/passkeys'
import type { PasskeyPurpose } from '@portcullis/shared/db/schema'
import { PasskeyInvalid, PasskeyNotVerified } from '../errors.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { findChallenge, saveChallenge, spendChallenge } from './challenges.ts'
import { relyingParty } from './relying-party.ts'
import { findPasskeyByCredential, listPasskeys, type PasskeyRow, passkeyTransports, recordPasskeyUse } from './store.ts'

type AssertionPurpose = Exclude<PasskeyPurpose, 'register'>

const CEREMONY_TIMEOUT_MS = 120_000

function needsUserVerification(purpose: AssertionPurpose): boolean {
  return purpose !== 'second_factor'
}

/** Options for one assertion; for a user, only their passkeys are offered, else any discoverable one on the device. */
export async function assertionOptions(auth: AuthContext, purpose: AssertionPurpose, userId: string | null): Promise<PasskeyRequestOptions> {
  const rp = relyingParty(auth.authConfig)
  const allowCredentials = userId
    ? (await listPasskeys(auth.db, userId)).map((passkey) => ({ id: passkey.credential_id, transports: passkeyTransports(passkey) }))
    : undefined
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials,
    userVerification: needsUserVerification(purpose) ? 'required' : 'preferred',
    timeout: CEREMONY_TIMEOUT_MS,
  })
  await saveChallenge(auth.db, options.challenge, purpose, userId, auth.now())
  return options as PasskeyRequestOptions
}

/** The user handle a discoverable passkey answers with: our user id, as registered (registration.ts). */
function userHandleOf(assertion: PasskeyAssertion): string | undefined {
  const handle = assertion.response.userHandle
  return handle ? Buffer.from(handle, 'base64url').toString('utf8') : undefined
}

/**
 * The passkey that answered, once its answer checks out; PasskeyInvalid (or PasskeyNotVerified) otherwise. `userId`: the
 * user who must own it (the second step's, a re-authenticating user's).
 */
export async function verifyAssertion(auth: AuthContext, assertion: PasskeyAssertion, purpose: AssertionPurpose, userId: string | null): Promise<PasskeyRow> {
  const now = auth.now()
  const rp = relyingParty(auth.authConfig)
  const challenge = await findChallenge(auth.db, assertion.response.clientDataJSON, purpose, now)
  if (!challenge || (userId !== null && challenge.userId !== userId)) throw new PasskeyInvalid()
  const passkey = await findPasskeyByCredential(auth.db, assertion.id)
  if (!passkey || (challenge.userId !== null && passkey.user_id !== challenge.userId)) throw new PasskeyInvalid()
  const handle = userHandleOf(assertion)
  if (handle !== undefined && handle !== passkey.user_id) throw new PasskeyInvalid()

  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>
  try {
    verified = await verifyAuthenticationResponse({
      response: assertion as AuthenticationResponseJSON,
      expectedChallenge: challenge.challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: passkey.credential_id,
        publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')),
        counter: Number(passkey.counter),
        transports: passkeyTransports(passkey),
      },
      requireUserVerification: false,
    })
  } catch {
    throw new PasskeyInvalid()
  }
  if (!verified.verified) throw new PasskeyInvalid()
  if (needsUserVerification(purpose) && !verified.authenticationInfo.userVerified) throw new PasskeyNotVerified()
  if (!(await spendChallenge(auth.db, challenge))) throw new PasskeyInvalid()
  const used = await recordPasskeyUse(
    auth.db,
    passkey,
    { counter: verified.authenticationInfo.newCounter, backedUp: verified.authenticationInfo.credentialBackedUp },
    now,
  )
  if (!used) throw new PasskeyInvalid()
  return passkey
}
