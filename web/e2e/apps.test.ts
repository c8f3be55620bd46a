// An app of a team's own behind the gateway, in a real Chromium: the example app (examples/hello-app, a real process that
// verifies the identity token against the JWKS) at /hello, user-only. Opened signed out, the page goes to the login page
// and, once signed in, back to that page with the user's name; signing out in another tab ends that access within 5 s.
import { writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ensureWebBuild } from '@portcullis/scripts/stack/web-build'
import { freePort, startProcess } from '@portcullis/testkit/processes'
import { testSettings } from '@portcullis/testkit/settings'
import { startTestStack } from '@portcullis/testkit/stack'
import { openBrowserPage, screenshot, signUpThrough } from './browser.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const web = path.resolve(here, '..')
const helloApp = path.resolve(here, '../../examples/hello-app/server.ts')
const PASSWORD = 'correct horse battery staple'
const kind = testSettings().E2E_DATABASE

t.test(`an app behind the gateway in Chromium (${kind})`, async (t) => {
  const webDir = ensureWebBuild(web)
  const port = await freePort()
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-e2e-apps-'))
  const appsFile = path.join(dir, 'apps.yaml')
  writeFileSync(appsFile, `apps:\n  - name: hello\n    prefix: /hello\n    upstreams: [http://127.0.0.1:${port}]\n    access: user\n    strip_prefix: true\n`)
  const stack = await startTestStack(t, kind, { env: { WEB_DIR: webDir }, gatewayEnv: { APPS_FILE: appsFile } })
  const app = await startProcess({
    name: 'hello-app',
    script: helloApp,
    portcullis: false,
    env: { PORT: String(port), JWKS_URL: `${stack.url}/auth/.well-known/jwks.json` },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
  })
  t.teardown(() => app.stop('SIGKILL'))
  // The cookies are Secure: browsers keep them over plain HTTP only for localhost.
  const base = stack.url.replace('127.0.0.1', 'localhost')
  t.equal(await signUpThrough(stack.url, 'appuser', PASSWORD), 201)

  const { context, page } = await openBrowserPage(t)

  /** Opens the app page again and again, for at most 8 s, until it is sent to the login page: how long that took, ms. */
  async function msUntilRefused(): Promise<number | undefined> {
    const from = Date.now()
    while (Date.now() - from < 8000) {
      await page.goto(`${base}/hello/`)
      if (new URL(page.url()).pathname === '/login') return Date.now() - from
      await page.waitForTimeout(250)
    }
    return undefined
  }

  t.test('signed out, the app page sends to the login page, and signing in comes back to it', async (t) => {
    await page.goto(`${base}/hello/?tab=2`)
    await page.waitForURL((url) => url.pathname === '/login')
    t.equal(new URL(page.url()).searchParams.get('next'), '/hello/?tab=2', 'the page asked for rides along')
    await page.getByLabel('Username or email').fill('appuser')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.waitForURL(`${base}/hello/?tab=2`)
    await page.getByRole('heading', { name: 'Hello, appuser' }).waitFor()
    await screenshot(page, 'app-behind-gateway')
    t.pass("back on the app's page, greeted by name from the identity token")
  })

  t.test('signing out in another tab ends the access within 5 s', async (t) => {
    const other = await context.newPage()
    await other.goto(`${base}/dashboard`)
    await other.getByRole('button', { name: 'Sign out', exact: true }).click()
    await other.waitForURL(`${base}/login`)
    const refusedAfter = await msUntilRefused()
    t.ok(refusedAfter !== undefined && refusedAfter < 5000, `the app page refused ${refusedAfter} ms after the sign-out`)
    await other.close()
  })

  t.test('an admin disabling the user ends the access within 5 s, though the browser still holds its cookie', async (t) => {
    await page.getByLabel('Username or email').fill('appuser')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.waitForURL(`${base}/hello/`)
    await page.getByRole('heading', { name: 'Hello, appuser' }).waitFor()
    const post = (route: string, body: unknown, token?: string) =>
      fetch(`${stack.url}${route}`, {
        method: route.startsWith('/admin/users/') ? 'PATCH' : 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      })
    t.equal((await post('/auth/signup', { username: 'appadmin', password: PASSWORD })).status, 201)
    await stack.database.handle.db.updateTable('users').set({ role: 'admin' }).where('username', '=', 'appadmin').execute()
    const adminToken = ((await (await post('/auth/login', { username: 'appadmin', password: PASSWORD })).json()) as { access_token: string }).access_token
    const user = await stack.database.handle.db.selectFrom('users').select('id').where('username', '=', 'appuser').executeTakeFirstOrThrow()
    t.equal((await post(`/admin/users/${user.id}`, { status: 'disabled' }, adminToken)).status, 200)
    const refusedAfter = await msUntilRefused()
    t.ok(refusedAfter !== undefined && refusedAfter < 5000, `refused ${refusedAfter} ms after the disable`)
  })
})
