// A session as its owner sees it: where and when it was used, and whether it is the one asking.
import type { AccountSession } from '@portcullis/shared/api/user'
import type { Session } from '@portcullis/shared/db/schema'

export function toAccountSession(session: Session, currentSessionId: string): AccountSession {
  return {
    id: session.id,
    created_at: new Date(Number(session.created_at)).toISOString(),
    last_used_at: new Date(Number(session.last_used_at)).toISOString(),
    expires_at: new Date(Number(session.expires_at)).toISOString(),
    ip: session.ip,
    user_agent: session.user_agent,
    mode: session.mode,
    current: session.id === currentSessionId,
  }
}
