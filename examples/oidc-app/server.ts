// An app anywhere that signs its users in with Portcullis, the way any OpenID Connect app does (Grafana, Nextcloud, an
// Auth.js app): discovery from the issuer, the authorization code flow with PKCE and state (openid-client), the ID token
// verified against Portcullis' JWKS, the user's name from userinfo. Each page view asks userinfo again with the app's access
// token (refreshing it when it has expired), so signing out of Portcullis ends the app's sign-in at the next view.
// Run it with `node server.ts` (Node 24 runs TypeScript as it is). See README.md.
import { createServer, type ServerResponse } from 'node:http'
import * as oidc from 'openid-client'
import { type AppSession, sessionOf } from './sessions.ts'
import { loadSettings } from './settings.ts'

const settings = loadSettings()
const redirectUri = new URL('/callback', settings.appUrl).href
const insecure = settings.issuer.protocol === 'http:'
const secureCookies = settings.appUrl.protocol === 'https:'

let provider: oidc.Configuration | undefined
/** Discovery, once it succeeds (Portcullis may start after the app). */
async function portcullis(): Promise<oidc.Configuration> {
  if (provider) return provider
  const auth = settings.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(settings.clientSecret)
  provider = await oidc.discovery(settings.issuer, settings.clientId, settings.clientSecret, auth, insecure ? { execute: [oidc.allowInsecureRequests] } : {})
  return provider
}

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;')
}

function html(response: ServerResponse, status: number, title: string, body: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main>${body}</main></body></html>`)
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { location, 'cache-control': 'no-store' })
  response.end()
}

/** The user's name now, or undefined when Portcullis no longer accepts the app's tokens (signed out, access removed). */
async function currentName(config: oidc.Configuration, session: AppSession): Promise<string | undefined> {
  const signedIn = session.signedIn
  if (!signedIn) return undefined
  try {
    const info = await oidc.fetchUserInfo(config, signedIn.accessToken, signedIn.sub)
    return String(info.name ?? info.preferred_username ?? signedIn.name)
  } catch {
    if (!signedIn.refreshToken) return undefined
    try {
      const tokens = await oidc.refreshTokenGrant(config, signedIn.refreshToken)
      session.signedIn = { ...signedIn, accessToken: tokens.access_token, refreshToken: tokens.refresh_token ?? signedIn.refreshToken }
      const info = await oidc.fetchUserInfo(config, tokens.access_token, signedIn.sub)
      return String(info.name ?? info.preferred_username ?? signedIn.name)
    } catch {
      return undefined
    }
  }
}

const server = createServer(async (request, response) => {
  const url = new URL(request.url ?? '/', settings.appUrl)
  if (url.pathname === '/healthz') {
    response.writeHead(200, { 'content-type': 'text/plain' })
    response.end('ok')
    return
  }
  try {
    const config = await portcullis()
    const session = sessionOf(request, response, secureCookies)
    if (url.pathname === '/' && request.method === 'GET') {
      const name = await currentName(config, session)
      if (name === undefined && session.signedIn) {
        session.signedIn = undefined
        session.notice = 'Your Portcullis sign-in has ended.'
      }
      if (name !== undefined) {
        return html(
          response,
          200,
          'Example app',
          `<h1>Hello, ${escapeHtml(name)}</h1><p>You are signed in with Portcullis.</p><p><a href="/logout">Sign out</a></p>`,
        )
      }
      const notice = session.notice ? `<p role="status">${escapeHtml(session.notice)}</p>` : ''
      session.notice = undefined
      return html(response, 200, 'Example app', `<h1>Example app</h1>${notice}<p>You are not signed in.</p><p><a href="/login">Sign in with Portcullis</a></p>`)
    }
    if (url.pathname === '/login') {
      const verifier = oidc.randomPKCECodeVerifier()
      const state = oidc.randomState()
      session.pending = { state, verifier }
      const to = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile email',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      })
      return redirect(response, to.href)
    }
    if (url.pathname === '/callback') {
      const pending = session.pending
      session.pending = undefined
      if (url.searchParams.get('error') === 'access_denied') {
        session.notice = 'You did not allow the app to use your Portcullis account.'
        return redirect(response, '/')
      }
      if (!pending) return html(response, 400, 'Sign-in failed', '<h1>Sign-in failed</h1><p>No sign-in was under way. <a href="/login">Try again</a>.</p>')
      const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: pending.verifier, expectedState: pending.state })
      const claims = tokens.claims()
      session.signedIn = {
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        idToken: tokens.id_token,
        sub: String(claims?.sub),
        name: String(claims?.name ?? claims?.preferred_username ?? claims?.sub ?? ''),
      }
      return redirect(response, '/')
    }
    if (url.pathname === '/logout') {
      const idToken = session.signedIn?.idToken
      session.signedIn = undefined
      if (!idToken) return redirect(response, '/')
      return redirect(response, oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: new URL('/', settings.appUrl).href }).href)
    }
    html(response, 404, 'Not found', '<h1>Not found</h1>')
  } catch (error) {
    console.error(error)
    html(response, 502, 'Sign-in failed', `<h1>Sign-in failed</h1><p>Portcullis could not be reached or refused the sign-in. <a href="/">Start again</a>.</p>`)
  }
})

server.listen(settings.port, '127.0.0.1', () =>
  console.log(`example OpenID Connect app on ${settings.appUrl.origin}, signing in with ${settings.issuer.origin}`),
)
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => server.close(() => process.exit(0)))
