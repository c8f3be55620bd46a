// A sign-in to an app lasts no longer than the Portcullis session it was made in, on both databases: signing out, signing
// out everywhere, a password change (but the session that changed it), a disable, each ends the apps' tokens at once (the
// refresh refused, the access token inactive); a first-party app is never asked for consent.
import t from 'tap'
import * as oidc from 'openid-client'
import type { FastifyInstance } from 'fastify'
import { revokeUserSessions } from '@portcullis/shared/sessions/revoke'
import { bearer, STRONG_PASSWORD } from '@portcullis/testkit/auth-app'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { authorizationRequest, signInToApp, startSignInStack } from './support/sign-in-stack.ts'

async function isActive(rp: oidc.Configuration, token: string): Promise<boolean> {
  return (await oidc.tokenIntrospection(rp, token)).active === true
}

async function refreshes(rp: oidc.Configuration, token: string): Promise<boolean> {
  return oidc.refreshTokenGrant(rp, token).then(
    () => true,
    () => false,
  )
}

async function login(app: FastifyInstance, username: string, password = STRONG_PASSWORD) {
  const answer = await app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
  if (answer.statusCode !== 200) throw new Error(answer.body)
  return answer.json<{ access_token: string; refresh_token: string; user: { id: string } }>()
}

for (const kind of testDatabaseKinds()) {
  t.test(`a sign-in ends with its Portcullis session on ${kind}`, async (t) => {
    const stack = await startSignInStack(t, kind)
    const app = stack.auth.app
    const db = stack.auth.database.handle.db
    const client = await stack.client({ name: 'Nextcloud', firstParty: true })
    const other = await stack.client({ name: 'Wiki' })
    const rp = await stack.relyingParty(client)
    const otherRp = await stack.relyingParty(other)

    t.test('a first-party app: no consent asked', async (t) => {
      const { browser } = await stack.signedIn('dora')
      const request = await authorizationRequest(rp, client)
      const landed = await browser.follow(request.url.href)
      t.equal(`${landed.origin}${landed.pathname}`, client.redirectUri, 'straight back to the app')
      t.equal((await db.selectFrom('oidc_consents').selectAll().where('client_id', '=', client.clientId).execute()).length, 0, 'no consent recorded')
    })

    t.test('signing out of Portcullis', async (t) => {
      const { login: signedIn, browser } = await stack.signedIn('erin')
      const tokens = await signInToApp(browser, rp, client)
      const otherTokens = await signInToApp(browser, otherRp, other)
      // Another session of the same user, with its own sign-in, is untouched.
      const elsewhere = await stack.signedIn('erin-2')
      const untouched = await signInToApp(elsewhere.browser, rp, client)

      t.equal((await app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: signedIn.refresh_token } })).statusCode, 204)
      t.notOk(await isActive(rp, tokens.access_token), "the app's access token ends")
      t.notOk(await refreshes(rp, tokens.refresh_token as string), 'its refresh token is refused')
      t.notOk(await isActive(otherRp, otherTokens.access_token), "and every other app's of that session")
      t.ok(await isActive(rp, untouched.access_token), "another user's sign-in stays")
      t.equal((await db.selectFrom('oidc_sign_ins').selectAll().where('user_id', '=', signedIn.user.id).execute()).length, 0, 'no sign-in listed')
      const again = await browser.follow((await authorizationRequest(rp, client)).url.href)
      t.equal(again.pathname, '/login', 'the browser must sign in to Portcullis again')
    })

    t.test('signing out everywhere, changing the password', async (t) => {
      const { login: first, browser } = await stack.signedIn('fred')
      const firstApp = await signInToApp(browser, rp, client)
      const second = await login(app, 'fred')
      const secondBrowser = (await stack.signedIn('fred-helper')).browser
      secondBrowser.cookies.set('portcullis_access', second.access_token)
      const secondApp = await signInToApp(secondBrowser, rp, client)
      t.equal(secondApp.claims()?.sub, first.user.id)

      const changed = await app.inject({
        method: 'POST',
        url: '/auth/password',
        headers: bearer(second.access_token),
        payload: { current_password: STRONG_PASSWORD, new_password: 'another long passphrase here' },
      })
      t.equal(changed.statusCode, 204, changed.body)
      t.notOk(await isActive(rp, firstApp.access_token), 'a password change ends the sign-ins of the other sessions')
      t.ok(await isActive(rp, secondApp.access_token), 'but not of the session that changed it')

      t.equal((await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(second.access_token) })).statusCode, 204)
      t.notOk(await isActive(rp, secondApp.access_token), 'signing out everywhere ends them all')
      t.notOk(await refreshes(rp, secondApp.refresh_token as string))
    })

    t.test('a disabled user', async (t) => {
      const { login: signedIn, browser } = await stack.signedIn('gina')
      const tokens = await signInToApp(browser, rp, client)
      // What the admin service does on a disable: the user's status, then their sessions.
      await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', signedIn.user.id).execute()
      await revokeUserSessions(db, signedIn.user.id, 'disabled', stack.auth.clock.now(), stack.auth.config.accessTokenTtl)
      t.notOk(await refreshes(rp, tokens.refresh_token as string), 'refused')
      await t.rejects(oidc.fetchUserInfo(rp, tokens.access_token, signedIn.user.id), 'userinfo refused')

      // The provider asks the user's status itself too: a disabled user's tokens are refused even while they stand.
      const kept = await stack.signedIn('hank')
      const keptTokens = await signInToApp(kept.browser, rp, client)
      await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', kept.login.user.id).execute()
      t.notOk(await refreshes(rp, keptTokens.refresh_token as string), 'a disabled user does not refresh')
      await t.rejects(oidc.fetchUserInfo(rp, keptTokens.access_token, kept.login.user.id), 'nor read userinfo')
    })
  })
}
