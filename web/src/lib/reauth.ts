// Step-up in the browser: a request the server refused with 401 reauthentication_required waits here while the user
// confirms it is them in the one prompt the app shell mounts (app/ReauthPrompt.tsx). A re-authentication puts the new
// access token in the session store and lets every waiting request go again once; cancelling hands each its own refusal.
import type { ReauthenticateResponse } from '@portcullis/shared/api/reauth'
import type { ProblemError } from './problem.ts'
import { signedIn } from './session/session-actions.ts'

/** What the prompt shows while requests wait: the server's refusal that opened it. */
export interface PendingReauthentication {
  /** Tells one prompt from the next, so a new one starts with empty fields. */
  id: number
  problem: ProblemError
}

interface Waiting {
  problem: ProblemError
  resolve: () => void
  reject: (problem: ProblemError) => void
}

type Listener = () => void

let pending: PendingReauthentication | undefined
let waiting: Waiting[] = []
let nextId = 1
const listeners = new Set<Listener>()

function notify(): void {
  for (const listener of listeners) listener()
}

function settle(outcome: 'confirmed' | 'cancelled'): void {
  const settled = waiting
  waiting = []
  pending = undefined
  notify()
  for (const request of settled) {
    if (outcome === 'confirmed') request.resolve()
    else request.reject(request.problem)
  }
}

/** The prompt's side: what it shows, and when that changes (for useSyncExternalStore). */
export const reauthPrompt = {
  pending(): PendingReauthentication | undefined {
    return pending
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
}

/**
 * The API client's side: resolves once the user has re-authenticated (the new token is in the session store), rejects
 * with `problem` when they cancel. Requests refused while the prompt is open wait for the same answer. With no prompt
 * mounted to ask, the refusal stands at once.
 */
export function confirmItIsYou(problem: ProblemError): Promise<void> {
  if (listeners.size === 0) return Promise.reject(problem)
  return new Promise<void>((resolve, reject) => {
    waiting.push({ problem, resolve, reject })
    if (!pending) {
      pending = { id: nextId++, problem }
      notify()
    }
  })
}

/**
 * The answer of POST /auth/reauthenticate (the prompt sends it, with a password and code or, later, another proof): the new
 * token of the same session goes in the session store and the waiting requests go again.
 */
export function completeReauthentication(answer: ReauthenticateResponse): void {
  // The other tabs take it too: their next sensitive change needs no prompt of its own.
  signedIn(answer)
  settle('confirmed')
}

/** The user closed the prompt: every waiting request fails with its own 401, which its form shows. */
export function cancelReauthentication(): void {
  if (pending) settle('cancelled')
}
