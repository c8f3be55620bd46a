// What the provider refuses, as an app and a browser meet it, on both databases: a redirect URI not registered, an unknown
// client, a missing or wrong code_verifier, a code used twice, a public client without PKCE, a denied or withdrawn consent,
// a consent answer from another site, prompt=none without a Portcullis session; and the ways in that must work: a signed-out
// browser signs in to Portcullis and comes back, a confidential client without PKCE, prompt=login re-authenticates.
import t from 'tap'
import * as oidc from 'openid-client'
import { withdrawConsent } from '@portcullis/shared/oidc/consents'
import { ACCESS_COOKIE_NAME } from '@portcullis/shared/sessions/access-cookie'
import { STRONG_PASSWORD } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { authorizationRequest, Browser, oauthError, signInToApp, startSignInStack } from './support/sign-in-stack.ts'

function uidOf(url: URL): string {
  return url.pathname.split('/').at(-1) as string
}

async function tokenRequest(
  issuer: string,
  client: { clientId: string; clientSecret: string | undefined },
  form: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (client.clientSecret)
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`
  const body = new URLSearchParams(client.clientSecret ? form : { ...form, client_id: client.clientId })
  const answer = await fetch(new URL('/oidc/token', issuer), { method: 'POST', headers, body })
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> }
}

for (const kind of testDatabaseKinds()) {
  t.test(`refusals on ${kind}`, async (t) => {
    const stack = await startSignInStack(t, kind)
    const client = await stack.client()
    const rp = await stack.relyingParty(client)
    const { login, browser } = await stack.signedIn('carol')
    const db = stack.auth.database.handle.db

    t.test('a redirect URI not registered, exactly', async (t) => {
      for (const redirect of [`${client.redirectUri}/x`, `${client.redirectUri}?a=1`, client.redirectUri.toUpperCase(), 'https://evil.example/callback']) {
        const request = await authorizationRequest(rp, client, { redirect_uri: redirect })
        const answer = await browser.request(request.url.href)
        t.equal(answer.status, 400, `${redirect}: refused`)
        t.equal(answer.location, undefined, `${redirect}: the browser is not sent there`)
        t.match(answer.body, /<h1>This sign-in cannot go on<\/h1>/, 'a page of ours')
        t.match(answer.body, /redirect_uri/, 'saying why')
      }
    })

    t.test('an unknown client', async (t) => {
      const stranger = { ...client, clientId: 'not-a-client' }
      const request = await authorizationRequest(rp, client)
      request.url.searchParams.set('client_id', stranger.clientId)
      const answer = await browser.request(request.url.href)
      t.equal(answer.status, 400)
      t.match(answer.body, /invalid_client/)
      const token = await tokenRequest(stack.issuer, stranger, { grant_type: 'authorization_code', code: 'x', redirect_uri: client.redirectUri })
      t.equal(token.status, 401)
      t.equal(token.body.error, 'invalid_client')
      const wrongSecret = await tokenRequest(
        stack.issuer,
        { ...client, clientSecret: 'wrong' },
        { grant_type: 'authorization_code', code: 'x', redirect_uri: client.redirectUri },
      )
      t.equal(wrongSecret.body.error, 'invalid_client', 'a wrong secret')
    })

    /** A code for the client, consented to, not yet exchanged. */
    async function freshCode(extra: Record<string, string> = {}): Promise<{ code: string; verifier: string }> {
      const request = await authorizationRequest(rp, client, extra)
      let landed = await browser.follow(request.url.href)
      if (landed.pathname.startsWith('/consent/')) {
        const allowed = await browser.answer(`/oidc/interaction/${uidOf(landed)}/consent`, { decision: 'allow' })
        landed = await browser.follow(JSON.parse(allowed.body).redirect_to)
      }
      return { code: landed.searchParams.get('code') as string, verifier: request.verifier }
    }

    t.test('a missing or wrong code_verifier, a code used twice', async (t) => {
      const missing = await freshCode()
      const noVerifier = await tokenRequest(stack.issuer, client, { grant_type: 'authorization_code', code: missing.code, redirect_uri: client.redirectUri })
      t.equal(noVerifier.body.error, 'invalid_grant', 'no code_verifier')
      const wrong = await freshCode()
      const wrongVerifier = await tokenRequest(stack.issuer, client, {
        grant_type: 'authorization_code',
        code: wrong.code,
        redirect_uri: client.redirectUri,
        code_verifier: oidc.randomPKCECodeVerifier(),
      })
      t.equal(wrongVerifier.body.error, 'invalid_grant', 'a wrong code_verifier')

      const good = await freshCode()
      const form = { grant_type: 'authorization_code', code: good.code, redirect_uri: client.redirectUri, code_verifier: good.verifier }
      const first = await tokenRequest(stack.issuer, client, form)
      t.equal(first.status, 200, 'the code, once')
      const again = await tokenRequest(stack.issuer, client, form)
      t.equal(again.body.error, 'invalid_grant', 'the same code again')
      t.equal((await oidc.tokenIntrospection(rp, first.body.access_token as string)).active, false, 'a code used twice ends what it gave')
    })

    t.test('PKCE: required from a public client, accepted without from a confidential one', async (t) => {
      const spa = await stack.client({ public: true })
      const spaRp = await stack.relyingParty(spa)
      const request = oidc.buildAuthorizationUrl(spaRp, { redirect_uri: spa.redirectUri, scope: 'openid', state: 's' })
      const landed = await browser.follow(request.href)
      t.equal(landed.searchParams.get('error'), 'invalid_request', 'a public client without PKCE')
      t.match(landed.searchParams.get('error_description'), /PKCE/i)

      const withoutPkce = oidc.buildAuthorizationUrl(rp, { redirect_uri: client.redirectUri, scope: 'openid', state: 's2' })
      const back = await browser.follow(withoutPkce.href)
      const code = back.searchParams.get('code')
      t.ok(code, 'a confidential client may leave PKCE out')
      const exchanged = await tokenRequest(stack.issuer, client, { grant_type: 'authorization_code', code: code as string, redirect_uri: client.redirectUri })
      t.equal(exchanged.status, 200)
    })

    t.test('a consent denied, a consent answer from another site', async (t) => {
      const other = await stack.client({ name: 'Other app' })
      const otherRp = await stack.relyingParty(other)
      const silent = await browser.follow((await authorizationRequest(otherRp, other, { prompt: 'none' })).url.href)
      t.equal(silent.searchParams.get('error'), 'consent_required', 'prompt=none signed in, never allowed: consent_required')
      const request = await authorizationRequest(otherRp, other)
      const consentPage = await browser.follow(request.url.href)
      const uid = uidOf(consentPage)
      const forged = await browser.request(`/oidc/interaction/${uid}/consent`, {
        method: 'POST',
        json: { decision: 'allow' },
        headers: { origin: 'https://evil.example' },
      })
      t.equal(forged.status, 403)
      t.equal(JSON.parse(forged.body).code, 'cross_site_consent')
      const bad = await browser.answer(`/oidc/interaction/${uid}/consent`, { decision: 'maybe' })
      t.equal(bad.status, 422, 'a decision that is neither')
      t.equal((await db.selectFrom('oidc_consents').select('scopes').where('client_id', '=', other.clientId).execute()).length, 0, 'nothing consented')

      const denied = await browser.answer(`/oidc/interaction/${uid}/consent`, { decision: 'deny' })
      t.equal(denied.status, 200)
      const back = await browser.follow(JSON.parse(denied.body).redirect_to)
      t.equal(back.searchParams.get('error'), 'access_denied', 'the app hears access_denied')
      t.equal(back.searchParams.get('state'), request.state)
      const events = await db.selectFrom('audit_events').select('type').where('user_id', '=', login.user.id).where('type', '=', 'oidc_consent_denied').execute()
      t.equal(events.length, 1, 'audited')
      const used = await browser.request(`/oidc/interaction/${uid}/details`)
      t.equal(used.status, 404, 'the request is over')
      t.equal(JSON.parse(used.body).code, 'interaction_not_found')
    })

    t.test('a consent withdrawn', async (t) => {
      const tokens = await signInToApp(browser, rp, client)
      t.ok(await withdrawConsent(db, login.user.id, client.clientId))
      await t.rejects(oidc.refreshTokenGrant(rp, tokens.refresh_token as string), oauthError('invalid_grant'), 'the refresh token is refused')
      await t.rejects(oidc.fetchUserInfo(rp, tokens.access_token, login.user.id), 'userinfo refuses the access token')
      const request = await authorizationRequest(rp, client)
      const landed = await browser.follow(request.url.href)
      t.match(landed.pathname, /^\/consent\//, 'consent is asked again')
    })

    t.test('a signed-out browser signs in to Portcullis and comes back', async (t) => {
      const stranger = new Browser(stack.issuer)
      const request = await authorizationRequest(rp, client, { prompt: 'none' })
      const silent = await stranger.follow(request.url.href)
      t.equal(silent.searchParams.get('error'), 'login_required', 'prompt=none without a Portcullis session')

      const asked = await authorizationRequest(rp, client)
      const loginPage = await stranger.follow(asked.url.href)
      t.equal(loginPage.pathname, '/login')
      const next = loginPage.searchParams.get('next') as string
      t.match(next, /^\/oidc\/interaction\/[A-Za-z0-9_-]+$/, 'with the way back')
      const signedIn = await stack.auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'carol', password: STRONG_PASSWORD } })
      stranger.cookies.set(ACCESS_COOKIE_NAME, signedIn.json<{ access_token: string }>().access_token)
      const landed = await stranger.follow(next)
      t.match(landed.pathname, /^\/consent\//, 'back, asked for consent (withdrawn above)')
      const allowed = await stranger.answer(`/oidc/interaction/${uidOf(landed)}/consent`, { decision: 'allow' })
      const back = await stranger.follow(JSON.parse(allowed.body).redirect_to)
      const tokens = await oidc.authorizationCodeGrant(rp, back, { pkceCodeVerifier: asked.verifier, expectedState: asked.state })
      t.equal(tokens.claims()?.sub, login.user.id)

      const forged = new Browser(stack.issuer)
      forged.cookies.set(ACCESS_COOKIE_NAME, `${login.access_token.slice(0, -4)}AAAA`)
      const refused = await forged.follow((await authorizationRequest(rp, client)).url.href)
      t.equal(refused.pathname, '/login', 'a token that does not verify is no sign-in')
    })

    t.test('prompt=login: the user confirms it is them', async (t) => {
      // auth_time and the request's time are whole seconds: the sign-in must be a second older than the request.
      await new Promise((resolve) => setTimeout(resolve, 1100))
      const request = await authorizationRequest(rp, client, { prompt: 'login' })
      const page = await browser.follow(request.url.href)
      t.match(page.pathname, /^\/consent\//)
      const uid = uidOf(page)
      const details = JSON.parse((await browser.request(`/oidc/interaction/${uid}/details`)).body)
      t.equal(details.prompt, 'login', 'the page asks for a fresh sign-in')
      const early = await browser.answer(`/oidc/interaction/${uid}/login`)
      t.equal(early.status, 401)
      t.equal(JSON.parse(early.body).code, 'reauthentication_required')
      // auth's clock is the test's: set it a second past the provider's (the real one), as a sign-in after the request would be.
      stack.auth.clock.advance(Date.now() + 1000 - stack.auth.clock.now())
      const again = await stack.auth.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'carol', password: STRONG_PASSWORD } })
      browser.cookies.set(ACCESS_COOKIE_NAME, again.json<{ access_token: string }>().access_token)
      const confirmed = await browser.answer(`/oidc/interaction/${uid}/login`)
      t.equal(confirmed.status, 200, confirmed.body)
      const back = await browser.follow(JSON.parse(confirmed.body).redirect_to)
      const tokens = await oidc.authorizationCodeGrant(rp, back, { pkceCodeVerifier: request.verifier, expectedState: request.state })
      t.ok((tokens.claims()?.auth_time as number) * 1000 >= stack.auth.clock.now() - 1000, 'auth_time is the fresh sign-in')
    })
  })
}
