// A provider to sign in to, as a relying party meets it: auth (in process: its login issues the access token the browser
// holds) and the oidc service listening on a real port on the same test database, a browser with a cookie jar that follows
// the provider's redirects by hand, and clients registered in oidc_clients as the command registers them.
import { createHash, randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import * as oidc from 'openid-client'
import type { DatabaseKind } from '@portcullis/shared/db/handle'
import { freePort } from '@portcullis/shared/net/free-port'
import { ACCESS_COOKIE_NAME } from '@portcullis/shared/sessions/access-cookie'
import { type LoginResult, signupAndLogin, startTestAuth, type TestAuth } from '@portcullis/testkit/auth-app'
import { buildOidcApp } from '../../src/app.ts'
import { loadOidcConfig } from '../../src/config.ts'

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface SignInStack {
  auth: TestAuth
  oidcApp: FastifyInstance
  issuer: string
  /** Registers a client; its secret (confidential) is returned once, as the command prints it. */
  client(options?: { public?: boolean; firstParty?: boolean; redirectUris?: string[]; name?: string }): Promise<TestClient>
  /** The relying party's view of the provider (openid-client discovery), for one client. */
  relyingParty(client: TestClient): Promise<oidc.Configuration>
  /** A user signed in to Portcullis, and a browser holding their access cookie. */
  signedIn(username: string): Promise<{ login: LoginResult; browser: Browser }>
}

export interface TestClient {
  clientId: string
  clientSecret: string | undefined
  redirectUri: string
}

export interface BrowserAnswer {
  status: number
  location: string | undefined
  body: string
}

/** A browser as far as the provider can tell: cookies kept per name, redirects shown, not followed. */
export class Browser {
  readonly cookies = new Map<string, string>()
  private readonly origin: string

  constructor(origin: string) {
    this.origin = origin
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair?.indexOf('=') ?? -1
      if (!pair || at < 0) continue
      const name = pair.slice(0, at).trim()
      const value = pair.slice(at + 1).trim()
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  async request(url: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<BrowserAnswer> {
    const absolute = new URL(url, this.origin)
    const headers: Record<string, string> = { cookie: this.cookieHeader(), ...init.headers }
    if (init.json !== undefined) headers['content-type'] = 'application/json'
    const response = await fetch(absolute, {
      method: init.method ?? 'GET',
      headers,
      redirect: 'manual',
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    })
    this.keep(response)
    return { status: response.status, location: response.headers.get('location') ?? undefined, body: await response.text() }
  }

  /** A POST of the consent page: from a page of this origin. */
  async answer(path: string, json?: unknown): Promise<BrowserAnswer> {
    return this.request(path, { method: 'POST', json: json ?? {}, headers: { origin: this.origin } })
  }

  /**
   * Follows redirects within the provider until one leaves it (to the app's redirect URI) or lands on a page of the web
   * app (/login, /consent/:uid); returns that URL.
   */
  async follow(url: string, limit = 10): Promise<URL> {
    let next = new URL(url, this.origin)
    for (let hop = 0; hop < limit; hop++) {
      if (next.origin !== this.origin || !next.pathname.startsWith('/oidc/')) return next
      const answer = await this.request(next.href)
      if (answer.status < 300 || answer.status >= 400 || !answer.location)
        throw new Error(`${next.pathname} answered ${answer.status}: ${answer.body.slice(0, 300)}`)
      next = new URL(answer.location, next)
    }
    throw new Error('too many redirects')
  }
}

export async function startSignInStack(t: Teardown, kind: DatabaseKind, env: Record<string, string> = {}): Promise<SignInStack> {
  const auth = await startTestAuth(t, kind, env)
  const port = await freePort()
  const issuer = `http://127.0.0.1:${port}`
  const config = loadOidcConfig({ LOG_LEVEL: 'silent', ...auth.database.env, ...env, PUBLIC_URL: issuer, PORT: String(port), HOST: '127.0.0.1' })
  const oidcApp = await buildOidcApp({ config, database: auth.database.handle, now: auth.clock.now, sweepIntervalMs: 0 })
  t.teardown(() => oidcApp.close())
  await oidcApp.listen({ port, host: '127.0.0.1' })
  let clients = 0
  return {
    auth,
    oidcApp,
    issuer,
    async client(options = {}) {
      clients += 1
      const clientId = randomBytes(16).toString('base64url')
      const clientSecret = options.public ? undefined : randomBytes(32).toString('base64url')
      const redirectUri = options.redirectUris?.[0] ?? `http://127.0.0.1:${port + 1}/callback`
      await auth.database.handle.db
        .insertInto('oidc_clients')
        .values({
          id: clientId,
          name: options.name ?? `Test app ${clients}`,
          secret_hash: clientSecret === undefined ? null : createHash('sha256').update(clientSecret).digest('hex'),
          redirect_uris: JSON.stringify(options.redirectUris ?? [redirectUri]),
          public: options.public ? 1 : 0,
          first_party: options.firstParty ? 1 : 0,
          created_at: auth.clock.now(),
          disabled_at: null,
        })
        .execute()
      return { clientId, clientSecret, redirectUri }
    },
    async relyingParty(client) {
      const auth = client.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(client.clientSecret)
      return oidc.discovery(new URL(issuer), client.clientId, client.clientSecret, auth, { execute: [oidc.allowInsecureRequests] })
    },
    async signedIn(username) {
      const login = await signupAndLogin(auth.app, username)
      const browser = new Browser(issuer)
      browser.cookies.set(ACCESS_COOKIE_NAME, login.access_token)
      return { login, browser }
    },
  }
}

/** An authorization request with PKCE (S256) and state, as an app makes it; what it needs to finish. */
export async function authorizationRequest(
  rp: oidc.Configuration,
  client: TestClient,
  extra: Record<string, string> = {},
): Promise<{ url: URL; verifier: string; state: string }> {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const url = oidc.buildAuthorizationUrl(rp, {
    redirect_uri: client.redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  })
  return { url, verifier, state }
}

/** The whole sign-in as a browser signed in to Portcullis makes it: the request, consent when asked, the code exchanged. */
export async function signInToApp(
  browser: Browser,
  rp: oidc.Configuration,
  client: TestClient,
  extra: Record<string, string> = {},
): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const request = await authorizationRequest(rp, client, extra)
  let landed = await browser.follow(request.url.href)
  if (landed.pathname.startsWith('/consent/')) {
    const allowed = await browser.answer(`/oidc/interaction/${landed.pathname.split('/').at(-1)}/consent`, { decision: 'allow' })
    if (allowed.status !== 200) throw new Error(`consent answered ${allowed.status}: ${allowed.body}`)
    landed = await browser.follow(JSON.parse(allowed.body).redirect_to)
  }
  return oidc.authorizationCodeGrant(rp, landed, { pkceCodeVerifier: request.verifier, expectedState: request.state })
}

/** What t.rejects matches an OAuth error response by (openid-client's ResponseBodyError carries `error`). */
export function oauthError(error: string): Error {
  return { error } as unknown as Error
}
