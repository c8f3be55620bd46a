// The signed-in user the web tests render pages for: Alice, as the API shows a user; each test changes what its case needs.
import type { UserBody } from '@portcullis/shared/api/common'

export function testUser(overrides: Partial<UserBody> = {}): UserBody {
  return {
    id: '0190a3c4-0000-7000-8000-000000000001',
    username: 'alice',
    email: 'alice@example.com',
    email_verified: true,
    pending_email: null,
    display_name: 'Alice',
    role: 'user',
    status: 'active',
    created_at: '2025-01-01T00:00:00.000Z',
    last_login_at: null,
    ...overrides,
  }
}
