// Accounts the scenarios sign in with: signed up and logged in through the public API, as a client would. An admin sets up
// an authenticator app first and signs in with its code, as MFA_REQUIRED_FOR_ADMINS (on by default) asks, so the admin
// console measured is the one operators run.
import { totpCodeAt } from '@portcullis/testkit/totp'
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

async function asUser(url: string, token: string, body: unknown = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) })
}

/** Turns an authenticator app on for the signed-in account and signs in again with a code from it (amr pwd, otp). */
async function withSecondFactor(baseUrl: string, username: string, first: Tokens): Promise<Tokens> {
  const setup = await asUser(`${baseUrl}/auth/mfa/totp/setup`, first.access_token)
  if (setup.status !== 200) throw new Error(`TOTP setup of ${username} answered ${setup.status}: ${await setup.text()}`)
  const { secret } = (await setup.json()) as { secret: string }
  const confirmed = await asUser(`${baseUrl}/auth/mfa/totp/confirm`, first.access_token, { code: totpCodeAt(secret, Date.now()) })
  if (confirmed.status !== 200) throw new Error(`TOTP confirmation of ${username} answered ${confirmed.status}: ${await confirmed.text()}`)
  const ticket = (await logIn(baseUrl, username)) as unknown as { mfa_token: string }
  // The confirmation took this step's code: the next step's, which a code one step early is accepted as.
  const second = await post(`${baseUrl}/auth/login/mfa`, { mfa_token: ticket.mfa_token, code: totpCodeAt(secret, Date.now() + 30_000) })
  if (second.status !== 200) throw new Error(`second step of ${username} answered ${second.status}: ${await second.text()}`)
  return (await second.json()) as Tokens
}

/** A new user, or a new admin (promoted in the database, as the stack test does, then with a second factor), and its tokens. */
export async function createAccount(stack: BenchStack, username: string, role: 'user' | 'admin' = 'user'): Promise<Tokens> {
  await signUp(stack.url, username)
  if (role === 'user') return logIn(stack.url, username)
  await stack.database.handle.db.updateTable('users').set({ role: 'admin' }).where('username', '=', username).execute()
  return withSecondFactor(stack.url, username, await logIn(stack.url, username))
}

export function bearer(tokens: Tokens): Record<string, string> {
  return { authorization: `Bearer ${tokens.access_token}` }
}
