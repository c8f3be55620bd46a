// The user row as the API shows it: no credentials, ISO times.
import type { ProfileResponse } from '@portcullis/shared/api/user'
import type { User } from '@portcullis/shared/db/schema'

export function toProfile(user: User): ProfileResponse {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    display_name: user.display_name,
    role: user.role,
    status: user.status,
    created_at: new Date(Number(user.created_at)).toISOString(),
    last_login_at: user.last_login_at === null ? null : new Date(Number(user.last_login_at)).toISOString(),
  }
}
