// Accounts the scenarios sign in with: signed up and logged in through the public API, as a client would.
import type { BenchStack } from './stack.ts'

export const BENCH_PASSWORD = 'correct horse battery staple'

export interface Tokens {
  access_token: string
  refresh_token: string
  user: { id: string; username: string }
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

export async function signUp(baseUrl: string, username: string): Promise<void> {
  const res = await post(`${baseUrl}/auth/signup`, { username, password: BENCH_PASSWORD, email: `${username}@bench.example` })
  if (res.status !== 201) throw new Error(`signup of ${username} answered ${res.status}: ${await res.text()}`)
}

export async function logIn(baseUrl: string, username: string): Promise<Tokens> {
  const res = await post(`${baseUrl}/auth/login`, { username, password: BENCH_PASSWORD })
  if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as Tokens
}

/** A new user, or a new admin (promoted in the database, as the stack test does), and its first tokens. */
export async function createAccount(stack: BenchStack, username: string, role: 'user' | 'admin' = 'user'): Promise<Tokens> {
  await signUp(stack.url, username)
  if (role === 'admin') await stack.database.handle.db.updateTable('users').set({ role: 'admin' }).where('username', '=', username).execute()
  return logIn(stack.url, username)
}

export function bearer(tokens: Tokens): Record<string, string> {
  return { authorization: `Bearer ${tokens.access_token}` }
}
