// Accounts on a test stack: signed up through the gateway, promoted in the database when an admin is needed.
import type { TestStack } from '@portcullis/testkit/stack'
import type { Client } from './http.ts'

export const PASSWORD = 'correct horse battery staple'

export interface Session {
  access_token: string
  refresh_token: string
  user: { id: string; username: string }
}

export async function createAccount(stack: TestStack, api: Client, username: string, role: 'user' | 'admin' = 'user'): Promise<string> {
  const signup = await api('POST', '/auth/signup', { body: { username, password: PASSWORD, email: `${username}@example.com` } })
  if (signup.status !== 201) throw new Error(`signup ${username}: ${signup.status} ${signup.text}`)
  if (role === 'admin') await stack.database.handle.db.updateTable('users').set({ role: 'admin' }).where('username', '=', username).execute()
  return signup.body.user.id as string
}

export async function logIn(api: Client, username: string, password = PASSWORD): Promise<Session> {
  const login = await api('POST', '/auth/login', { body: { username, password } })
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status} ${login.text}`)
  return login.body as Session
}
