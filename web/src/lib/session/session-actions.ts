// Signing in (with a second step where the account has one), refreshing and signing out in the browser: cookie mode, one
// refresh at a time across every tab.
import type { TokenResponse } from '@portcullis/shared/api/auth'
import type { MfaLoginRequest, MfaRequiredResponse } from '@portcullis/shared/api/mfa'
import type { PasskeyAssertion } from '@portcullis/shared/api/passkeys'
import { problemFrom } from '../problem.ts'
import { sessionStore } from './session-store.ts'
import { listenToOtherTabs, tellOtherTabs } from './tab-channel.ts'

/** Cookie-authenticated calls carry this header: a cross-site form cannot add it (docs/tokens-and-sessions.md). */
export const CSRF_HEADER = { 'x-csrf-protection': '1' }
const LOCK = 'portcullis-refresh'

let inflight: Promise<boolean> | undefined
/** When another tab last handed us a fresh token; a refresh that waited for the lock after that can use it. */
let lastSharedAt = 0

/** A new access token of this session (a sign-in, a refresh, a re-authentication): this tab and the others use it. */
export function signedIn(body: Pick<TokenResponse, 'access_token' | 'expires_in' | 'user'>): void {
  const expiresAt = Date.now() + body.expires_in * 1000
  sessionStore.set({ status: 'signed-in', accessToken: body.access_token, user: body.user, expiresAt })
  tellOtherTabs({ type: 'signed-in', accessToken: body.access_token, user: body.user, expiresAt })
}

async function withTabLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
  if (!locks) return work()
  return locks.request(LOCK, work)
}

/** What a sign-in step leads to: a session (undefined), or the ticket of the second step the account asks for. */
export type SignInResult = MfaRequiredResponse | undefined

/** Either step of a sign-in: a token answer begins the session here; an answer asking for a second factor is handed back. */
async function signInStep(path: string, body: object): Promise<SignInResult> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw await problemFrom(response)
  const answer = (await response.json()) as TokenResponse | MfaRequiredResponse
  if ('mfa_required' in answer) return answer
  signedIn(answer)
  return undefined
}

export function signIn(username: string, password: string): Promise<SignInResult> {
  return signInStep('/auth/login', { username, password, session: 'cookie' })
}

/** The second step, with the first step's ticket: the session mode is the one the first step asked for. */
export function signInSecondStep(request: MfaLoginRequest): Promise<SignInResult> {
  return signInStep('/auth/login/mfa', request)
}

/** A passkey alone: the browser's answer to the server's challenge begins the session. */
export async function signInWithPasskeyAnswer(credential: PasskeyAssertion): Promise<void> {
  await signInStep('/auth/passkeys/login', { credential, session: 'cookie' })
}

/**
 * Trades the refresh cookie for a new access token. Concurrent callers in this tab share one request, and tabs take
 * turns through a Web Lock; a tab that waited while another refreshed uses the token that tab shared.
 */
export function refreshSession(): Promise<boolean> {
  inflight ??= (async () => {
    const askedAt = Date.now()
    try {
      return await withTabLock(async () => {
        if (lastSharedAt > askedAt && sessionStore.get().status === 'signed-in') return true
        const response = await fetch('/auth/refresh', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { ...CSRF_HEADER, accept: 'application/json' },
        })
        if (!response.ok) {
          const problem = await problemFrom(response)
          if (problem.code === 'account_disabled') endDisabledSession()
          else sessionStore.set(sessionStore.get().status === 'signed-in' ? { status: 'anonymous', reason: 'expired' } : { status: 'anonymous' })
          return false
        }
        signedIn((await response.json()) as TokenResponse)
        return true
      })
    } catch {
      // The network failed, not the session: a signed-in tab stays signed in; a tab still restoring gives up.
      if (sessionStore.get().status === 'restoring') sessionStore.set({ status: 'anonymous' })
      return false
    } finally {
      inflight = undefined
    }
  })()
  return inflight
}

export async function signOut(): Promise<void> {
  try {
    await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { ...CSRF_HEADER, accept: 'application/json' } })
  } catch {
    // Offline: this tab and the others still forget the session; the server's copy ends at its idle expiry.
  } finally {
    sessionStore.set({ status: 'anonymous', reason: 'signed_out' })
    tellOtherTabs({ type: 'signed-out' })
  }
}

/** The server refuses this account (403 account_disabled): every tab forgets the session and says the account is disabled. */
export function endDisabledSession(): void {
  sessionStore.set({ status: 'anonymous', reason: 'disabled' })
  tellOtherTabs({ type: 'signed-out', reason: 'disabled' })
}

/** Keeps this tab in step with the others; returns the unsubscribe function. */
export function followOtherTabs(): () => void {
  return listenToOtherTabs((message) => {
    if (message.type === 'signed-out') {
      sessionStore.set({ status: 'anonymous', reason: message.reason ?? 'signed_out' })
      return
    }
    lastSharedAt = Date.now()
    sessionStore.set({ status: 'signed-in', accessToken: message.accessToken, user: message.user, expiresAt: message.expiresAt })
  })
}
