// Signing in to an app with Portcullis, as the app (openid-client, OpenID Certified) and the browser see it, on both
// databases: the code flow with PKCE through the Portcullis session (no password asked again), consent asked once per
// client and scope set, the ID token verified against the provider's JWKS with the claims of the scopes granted, userinfo.
import t from 'tap'
import * as oidc from 'openid-client'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { authorizationRequest, startSignInStack } from './support/sign-in-stack.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`sign in to an app on ${kind}`, async (t) => {
    const stack = await startSignInStack(t, kind)
    const client = await stack.client({ name: 'Grafana' })
    const rp = await stack.relyingParty(client)
    const { login, browser } = await stack.signedIn('alice')

    const request = await authorizationRequest(rp, client, { scope: 'openid profile' })
    const consentPage = await browser.follow(request.url.href)
    t.match(consentPage.pathname, /^\/consent\/[A-Za-z0-9_-]+$/, 'a signed-in browser goes straight to the consent page, no password asked')
    const uid = consentPage.pathname.split('/').at(-1) as string

    const details = await browser.request(`/oidc/interaction/${uid}/details`)
    t.equal(details.status, 200, details.body)
    t.same(JSON.parse(details.body), {
      uid,
      prompt: 'consent',
      client: { client_id: client.clientId, name: 'Grafana' },
      scopes: ['openid', 'profile'],
      username: 'alice',
    })

    const allowed = await browser.answer(`/oidc/interaction/${uid}/consent`, { decision: 'allow' })
    t.equal(allowed.status, 200, allowed.body)
    const back = await browser.follow(JSON.parse(allowed.body).redirect_to)
    t.equal(`${back.origin}${back.pathname}`, client.redirectUri, 'back at the app')

    const tokens = await oidc.authorizationCodeGrant(rp, back, { pkceCodeVerifier: request.verifier, expectedState: request.state })
    const claims = tokens.claims()
    t.equal(claims?.sub, login.user.id)
    t.equal(claims?.preferred_username, 'alice')
    t.equal(claims?.role, 'user')
    t.same(claims?.amr, ['pwd'], 'how the user signed in to Portcullis')
    t.type(claims?.auth_time, 'number')
    t.equal(claims?.iss, stack.issuer)
    t.equal(claims?.aud, client.clientId)
    t.ok(tokens.refresh_token, 'a refresh token')

    const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, login.user.id)
    t.equal(userinfo.preferred_username, 'alice')
    t.equal(userinfo.sub, login.user.id)

    const audit = await stack.auth.database.handle.db.selectFrom('audit_events').select(['type', 'detail']).where('user_id', '=', login.user.id).execute()
    t.ok(
      audit.some((event) => event.type === 'oidc_consent_given'),
      'the consent is audited',
    )
    t.ok(
      audit.some((event) => event.type === 'oidc_signed_in' && JSON.parse(event.detail ?? '{}').client_id === client.clientId),
      'the sign-in is audited',
    )

    // Signing in again: consent is not asked again, the browser goes straight back to the app.
    const again = await authorizationRequest(rp, client, { scope: 'openid profile' })
    const straight = await browser.follow(again.url.href)
    t.equal(`${straight.origin}${straight.pathname}`, client.redirectUri, 'consent is asked once per client and scope set')
    const second = await oidc.authorizationCodeGrant(rp, straight, { pkceCodeVerifier: again.verifier, expectedState: again.state })
    t.equal(second.claims()?.sub, login.user.id)

    // More scopes: asked again, for the new one only.
    await stack.auth.database.handle.db.updateTable('users').set({ email: 'alice@example.com' }).where('id', '=', login.user.id).execute()
    const more = await authorizationRequest(rp, client)
    const askedAgain = await browser.follow(more.url.href)
    t.match(askedAgain.pathname, /^\/consent\//)
    const moreDetails = JSON.parse((await browser.request(`/oidc/interaction/${askedAgain.pathname.split('/').at(-1)}/details`)).body)
    t.same(moreDetails.scopes, ['email'], 'only what was not allowed before')
    const allowedMore = await browser.answer(`/oidc/interaction/${moreDetails.uid}/consent`, { decision: 'allow' })
    const backMore = await browser.follow(JSON.parse(allowedMore.body).redirect_to)
    const withEmail = await oidc.authorizationCodeGrant(rp, backMore, { pkceCodeVerifier: more.verifier, expectedState: more.state })
    t.equal(withEmail.claims()?.email, 'alice@example.com', 'the email scope gives the address')
    t.equal(withEmail.claims()?.email_verified, false, 'and whether it is verified')
  })
}
