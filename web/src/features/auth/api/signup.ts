// POST /auth/signup.
import type { SignupRequest } from '@portcullis/shared/api/auth'
import type { UserBody } from '@portcullis/shared/api/common'
import { apiFetch } from '../../../lib/api-client.ts'

export function createAccount(request: SignupRequest): Promise<{ user: UserBody }> {
  return apiFetch<{ user: UserBody }>('/auth/signup', { method: 'POST', body: request })
}
