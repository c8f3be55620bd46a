// Signing in to another app with Portcullis, in a real Chromium, through the gateway: the example app (examples/oidc-app, a
// real process using openid-client) → Portcullis' login page → the consent page → back in the app with the user's name.
// Signing out of Portcullis ends the app's sign-in at its next page; signing in again is not asked for consent again;
// the app's own sign-out goes through Portcullis' logout confirmation and back.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ensureWebBuild } from '@portcullis/scripts/stack/web-build'
import { COMMAND_LINE_ACTOR } from '@portcullis/shared/audit/parties'
import { registerOidcClient } from '@portcullis/shared/oidc/clients'
import { freePort, startProcess } from '@portcullis/testkit/processes'
import { testSettings } from '@portcullis/testkit/settings'
import { startTestStack } from '@portcullis/testkit/stack'
import { openBrowserPage, screenshot, signUpThrough } from './browser.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const web = path.resolve(here, '..')
const exampleApp = path.resolve(here, '../../examples/oidc-app/server.ts')
const PASSWORD = 'correct horse battery staple'
const kind = testSettings().E2E_DATABASE

t.test(`signing in to another app with Portcullis in Chromium (${kind})`, async (t) => {
  const webDir = ensureWebBuild(web)
  const stack = await startTestStack(t, kind, { env: { WEB_DIR: webDir } })
  const appPort = await freePort()
  const appUrl = `http://localhost:${appPort}`
  const { clientId, clientSecret } = await registerOidcClient(
    stack.database.handle.db,
    { name: 'Example app', redirectUris: [`${appUrl}/callback`], public: false, firstParty: false },
    { actorId: COMMAND_LINE_ACTOR },
    Date.now(),
  )
  const app = await startProcess({
    name: 'oidc-app',
    script: exampleApp,
    portcullis: false,
    env: { PORT: String(appPort), APP_URL: appUrl, ISSUER: stack.publicUrl, CLIENT_ID: clientId, CLIENT_SECRET: clientSecret ?? '' },
    readyUrl: `http://127.0.0.1:${appPort}/healthz`,
  })
  t.teardown(() => app.stop('SIGKILL'))
  t.equal(await signUpThrough(stack.url, 'oidcuser', PASSWORD), 201)

  const { context, page } = await openBrowserPage(t)
  const portcullis = new URL(stack.publicUrl).origin

  async function signInToPortcullis(): Promise<void> {
    await page.waitForURL((url) => url.origin === portcullis && url.pathname === '/login')
    await page.getByLabel('Username or email').fill('oidcuser')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  }

  t.test('the app → Portcullis login → consent → back in the app, by name', async (t) => {
    await page.goto(appUrl)
    await page.getByRole('link', { name: 'Sign in with Portcullis' }).click()
    await signInToPortcullis()
    await page.waitForURL((url) => url.pathname.startsWith('/consent/'))
    await page.getByRole('heading', { name: 'Example app wants to use your Portcullis account' }).waitFor()
    t.ok(await page.getByText('oidcuser').first().isVisible(), 'signed in as whom')
    await screenshot(page, 'oidc-consent')
    await page.getByRole('button', { name: 'Allow', exact: true }).click()
    await page.waitForURL((url) => url.origin === appUrl && url.pathname === '/')
    await page.getByRole('heading', { name: 'Hello, oidcuser' }).waitFor()
    t.pass('back in the app with the name from Portcullis')
  })

  t.test("signing out of Portcullis ends the app's sign-in", async (t) => {
    const other = await context.newPage()
    await other.goto(`${portcullis}/dashboard`)
    await other.getByRole('button', { name: 'Sign out', exact: true }).click()
    await other.waitForURL(`${portcullis}/login`)
    await other.close()
    await page.reload()
    await page.getByText('Your Portcullis sign-in has ended.').waitFor()
    t.ok(await page.getByRole('link', { name: 'Sign in with Portcullis' }).isVisible(), 'the app offers to sign in again')
  })

  t.test('signing in again: no consent asked a second time', async (t) => {
    await page.getByRole('link', { name: 'Sign in with Portcullis' }).click()
    await signInToPortcullis()
    await page.waitForURL((url) => url.origin === appUrl && url.pathname === '/')
    await page.getByRole('heading', { name: 'Hello, oidcuser' }).waitFor()
    t.pass('straight back to the app')
  })

  t.test("the app's own sign-out, confirmed at Portcullis", async (t) => {
    await page.getByRole('link', { name: 'Sign out' }).click()
    await page.getByRole('heading', { name: 'Sign out of Example app?' }).waitFor()
    await page.getByRole('button', { name: 'Sign out of Example app' }).click()
    await page.waitForURL((url) => url.origin === appUrl && url.pathname === '/')
    await page.getByText('You are not signed in.').waitFor()
    await page.goto(`${portcullis}/dashboard`)
    await page.getByRole('heading', { name: 'Apps signed in with Portcullis' }).waitFor()
    t.ok(await page.getByText('Example app').first().isVisible(), 'the app is still listed (the consent stays), still signed in to Portcullis')
  })
})
