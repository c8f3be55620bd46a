// The example app's own sessions, in memory: a random id in an HttpOnly cookie, holding either a sign-in under way (state,
// PKCE verifier) or the tokens Portcullis gave. Enough for an example; a real app keeps them in its store.
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface SignInUnderWay {
  state: string
  verifier: string
}

export interface SignedIn {
  accessToken: string
  refreshToken: string | undefined
  idToken: string | undefined
  /** The user's id at Portcullis (the ID token's sub): userinfo must be about them. */
  sub: string
  name: string
}

export interface AppSession {
  pending?: SignInUnderWay
  signedIn?: SignedIn
  /** Why the last visit ended the sign-in, shown once. */
  notice?: string
}

const COOKIE = 'example_session'
const sessions = new Map<string, AppSession>()

function idOf(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=')
    if (name === COOKIE && value && sessions.has(value)) return value
  }
  return undefined
}

export function sessionOf(request: IncomingMessage, response: ServerResponse, secure: boolean): AppSession {
  const known = idOf(request)
  if (known) return sessions.get(known) as AppSession
  const id = randomBytes(24).toString('base64url')
  const session: AppSession = {}
  sessions.set(id, session)
  response.setHeader('set-cookie', `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`)
  return session
}
