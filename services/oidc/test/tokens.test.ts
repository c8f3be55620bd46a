// What an app does with its tokens, through openid-client on both databases: refresh with rotation (a rotated refresh token
// used again ends the whole sign-in, audited), introspection, revocation, and RP-initiated logout.
import t from 'tap'
import * as oidc from 'openid-client'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { oauthError, signInToApp, startSignInStack } from './support/sign-in-stack.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`tokens on ${kind}`, async (t) => {
    const stack = await startSignInStack(t, kind)
    const client = await stack.client()
    const rp = await stack.relyingParty(client)
    const { login, browser } = await stack.signedIn('bob')
    const db = stack.auth.database.handle.db

    const first = await signInToApp(browser, rp, client)
    const firstRefresh = first.refresh_token as string
    t.ok(firstRefresh, 'a refresh token')

    const refreshed = await oidc.refreshTokenGrant(rp, firstRefresh)
    t.ok(refreshed.refresh_token, 'a new refresh token')
    t.not(refreshed.refresh_token, firstRefresh, 'rotated')
    t.equal(refreshed.claims()?.sub, login.user.id, 'a new ID token for the same user')
    t.equal((await oidc.fetchUserInfo(rp, refreshed.access_token, login.user.id)).preferred_username, 'bob')

    const active = await oidc.tokenIntrospection(rp, refreshed.access_token)
    t.equal(active.active, true, 'introspection: the new access token is active')
    t.equal(active.sub, login.user.id)
    t.equal(active.client_id, client.clientId)

    // The rotated one used again: refused, and the whole sign-in ends (someone holds a copy).
    await t.rejects(oidc.refreshTokenGrant(rp, firstRefresh), oauthError('invalid_grant'), 'a rotated refresh token is refused')
    await t.rejects(oidc.refreshTokenGrant(rp, refreshed.refresh_token as string), oauthError('invalid_grant'), 'and its successor too')
    t.equal((await oidc.tokenIntrospection(rp, refreshed.access_token)).active, false, 'the access token is no longer active')
    const reuse = await db.selectFrom('audit_events').select('detail').where('type', '=', 'oidc_refresh_reused').where('user_id', '=', login.user.id).execute()
    t.equal(reuse.length, 1, 'the reuse is audited')
    const links = await db.selectFrom('oidc_sign_ins').select('grant_id').where('user_id', '=', login.user.id).execute()
    t.equal(links.length, 0, 'the sign-in is no longer listed')

    // Revocation: the app gives back its refresh token; it no longer refreshes.
    const second = await signInToApp(browser, rp, client)
    await oidc.tokenRevocation(rp, second.refresh_token as string)
    await t.rejects(oidc.refreshTokenGrant(rp, second.refresh_token as string), oauthError('invalid_grant'), 'a revoked refresh token is refused')
    const third = await signInToApp(browser, rp, client)
    await oidc.tokenRevocation(rp, third.access_token)
    t.equal((await oidc.tokenIntrospection(rp, third.access_token)).active, false, 'a revoked access token is inactive')

    // RP-initiated logout: the app sends the browser to end_session with its ID token; confirmed, it comes back.
    const fourth = await signInToApp(browser, rp, client)
    const endUrl = oidc.buildEndSessionUrl(rp, { id_token_hint: fourth.id_token as string, post_logout_redirect_uri: client.redirectUri, state: 'bye' })
    t.equal(endUrl.pathname, '/oidc/session/end')
    const confirm = await browser.request(endUrl.href)
    t.equal(confirm.status, 200, 'a confirmation page')
    t.match(confirm.body, /<h1>Sign out of Test app 1\?<\/h1>/, 'naming the app')
    t.notMatch(confirm.body, /<(link|script|img)\b|@import/, 'loading nothing from elsewhere')
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.body)?.[1]
    t.ok(xsrf, 'with its form')
    const confirmed = await fetch(new URL('/oidc/session/end/confirm', stack.issuer), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
      body: new URLSearchParams({ xsrf: xsrf as string, logout: 'yes' }),
    })
    t.equal(confirmed.status, 303)
    const after = new URL(confirmed.headers.get('location') as string)
    t.equal(`${after.origin}${after.pathname}`, client.redirectUri, 'back at the app')
    t.equal(after.searchParams.get('state'), 'bye')
    t.equal((await oidc.tokenIntrospection(rp, fourth.access_token)).active, false, "the app's tokens end with the logout")
  })
}
