// A users row as the API shows it: ISO times, and nothing of the credentials.
import type { UserBody } from '../api/common.ts'
import type { User } from '../db/schema.ts'

export function toPublicUser(user: User): UserBody {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    email_verified: user.email !== null && user.email_verified_at !== null,
    pending_email: user.pending_email ?? null,
    display_name: user.display_name,
    role: user.role,
    status: user.status,
    created_at: new Date(Number(user.created_at)).toISOString(),
    last_login_at: user.last_login_at === null ? null : new Date(Number(user.last_login_at)).toISOString(),
  }
}
