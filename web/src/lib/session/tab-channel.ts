// Tells the other tabs of this browser about a new access token or a sign-out, so they share one session.
import type { UserBody } from '@portcullis/shared/api/common'

export type TabMessage =
  | { type: 'signed-in'; accessToken: string; user: UserBody; expiresAt: number }
  /** `disabled`: the account was disabled, which every tab says on its login page. */
  | { type: 'signed-out'; reason?: 'disabled' }

const NAME = 'portcullis-session'

let channel: BroadcastChannel | undefined

function open(): BroadcastChannel | undefined {
  if (typeof BroadcastChannel === 'undefined') return undefined
  channel ??= new BroadcastChannel(NAME)
  return channel
}

export function tellOtherTabs(message: TabMessage): void {
  open()?.postMessage(message)
}

export function listenToOtherTabs(onMessage: (message: TabMessage) => void): () => void {
  const listening = open()
  if (!listening) return () => {}
  const handler = (event: MessageEvent<TabMessage>) => onMessage(event.data)
  listening.addEventListener('message', handler)
  return () => listening.removeEventListener('message', handler)
}
