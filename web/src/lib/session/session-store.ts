// The session of this tab: the access token lives here, in memory only, and never in storage.
import type { UserBody } from '@portcullis/shared/api/common'

export type SessionState =
  | { status: 'restoring' }
  | { status: 'anonymous'; reason?: 'signed_out' | 'expired' | 'disabled' }
  | { status: 'signed-in'; accessToken: string; user: UserBody; expiresAt: number }

type Listener = () => void

let state: SessionState = { status: 'restoring' }
const listeners = new Set<Listener>()

export const sessionStore = {
  get(): SessionState {
    return state
  },
  set(next: SessionState): void {
    state = next
    for (const listener of listeners) listener()
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
  accessToken(): string | undefined {
    return state.status === 'signed-in' ? state.accessToken : undefined
  },
}
