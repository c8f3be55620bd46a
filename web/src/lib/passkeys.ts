// The browser's side of passkeys, through @simplewebauthn/browser (loaded when a passkey is first asked for, not with the
// first page): creating one from the server's options, answering a challenge with one (from a button, or from the username
// field's autofill), and what went wrong said in words. The server checks every answer; nothing here decides who is
// signed in.
import type { PasskeyAssertion, PasskeyCreationOptions, PasskeyRegistrationCredential, PasskeyRequestOptions } from '@portcullis/shared/api/passkeys'
import { BrowserError } from './problem.ts'

type WebAuthnBrowser = typeof import('@simplewebauthn/browser')
let library: WebAuthnBrowser | undefined

async function webAuthn(): Promise<WebAuthnBrowser> {
  library ??= await import('@simplewebauthn/browser')
  return library
}

/** The passkey prompt ended without an answer; `cancelled` when the user closed it (or it timed out), which needs no alarm. */
export class PasskeyPromptError extends BrowserError {
  override name = 'PasskeyPromptError'
  readonly cancelled: boolean
  constructor(message: string, cancelled: boolean) {
    super(message)
    this.cancelled = cancelled
  }
}

function promptError(error: unknown): PasskeyPromptError {
  const name = error instanceof Error ? error.name : ''
  const code = library && error instanceof library.WebAuthnError ? error.code : ''
  if (code === 'ERROR_CEREMONY_ABORTED' || name === 'AbortError' || name === 'NotAllowedError') {
    return new PasskeyPromptError('The passkey prompt was closed or timed out before it finished. Try again when you are ready.', true)
  }
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') {
    return new PasskeyPromptError('This device already holds a passkey for your account: there is no need to add it again.', false)
  }
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || name === 'SecurityError') {
    return new PasskeyPromptError('Passkeys do not work at this address: open the site at its public address (https://… or localhost).', false)
  }
  return new PasskeyPromptError('Your browser could not use a passkey here. Try another way, or another browser.', false)
}

export function passkeysSupported(): boolean {
  return typeof globalThis.PublicKeyCredential === 'function'
}

/** Whether the username field can offer the device's passkeys as it is filled in (conditional mediation). */
export async function passkeyAutofillSupported(): Promise<boolean> {
  if (!passkeysSupported()) return false
  const available = (globalThis.PublicKeyCredential as { isConditionalMediationAvailable?: () => Promise<boolean> }).isConditionalMediationAvailable
  return available ? available.call(globalThis.PublicKeyCredential) : false
}

export async function createPasskey(options: PasskeyCreationOptions): Promise<PasskeyRegistrationCredential> {
  try {
    const { startRegistration } = await webAuthn()
    return (await startRegistration({ optionsJSON: options as Parameters<typeof startRegistration>[0]['optionsJSON'] })) as PasskeyRegistrationCredential
  } catch (error) {
    throw promptError(error)
  }
}

/** Answers the challenge with a passkey: from a prompt, or (autofill) once the user picks one in the username field's list. */
export async function answerWithPasskey(options: PasskeyRequestOptions, autofill = false): Promise<PasskeyAssertion> {
  try {
    const { startAuthentication } = await webAuthn()
    const optionsJSON = options as Parameters<typeof startAuthentication>[0]['optionsJSON']
    return (await startAuthentication({ optionsJSON, useBrowserAutofill: autofill })) as PasskeyAssertion
  } catch (error) {
    throw promptError(error)
  }
}

/** Ends a waiting prompt (the autofill's, when the user picks another way). */
export function cancelPasskeyPrompt(): void {
  library?.WebAuthnAbortService.cancelCeremony()
}
