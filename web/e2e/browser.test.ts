// The web app in a real Chromium against the real stack (auth, user, admin, gateway serving the build).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Browser, Page } from 'playwright-core'
import { startTestStack } from '../../gateway/test/helpers/stack.ts'
import { ensureWebBuild } from '../../scripts/stack/web-build.ts'
import { launchChromium, screenshot } from './browser.ts'

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PASSWORD = 'correct horse battery staple'
const kind = process.env.E2E_DATABASE === 'sqlite' ? 'sqlite' : 'mysql'

t.test(`the web app in Chromium (${kind})`, async (t) => {
  const webDir = ensureWebBuild(web)
  const stack = await startTestStack(t, kind, { env: { WEB_DIR: webDir } })
  // The refresh cookie is Secure: browsers keep Secure cookies over plain HTTP only for localhost.
  const base = stack.url.replace('127.0.0.1', 'localhost')
  const browser: Browser = await launchChromium()
  t.teardown(() => browser.close())
  const db = stack.database.handle.db

  async function signUpByApi(username: string): Promise<void> {
    const res = await fetch(`${stack.url}/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) })
    if (res.status !== 201) throw new Error(`signup ${username}: ${res.status}`)
  }

  async function logIn(page: Page, username: string): Promise<void> {
    await page.goto(`${base}/login`)
    await page.getByLabel('Username or email').fill(username)
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${base}/dashboard`)
  }

  t.test('sign up, land on the dashboard, reload and stay in', async (t) => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`${base}/signup`)
    await screenshot(page, 'signup')
    await page.getByLabel('Username').fill('webuser')
    await page.getByLabel('Email (optional)').fill('webuser@example.com')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByLabel('Confirm password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.waitForURL(`${base}/dashboard`)
    await page.getByText('webuser@example.com').first().waitFor()
    await screenshot(page, 'dashboard')
    const cookies = await context.cookies()
    const refresh = cookies.find((c) => c.name === 'portcullis_refresh')
    t.ok(refresh?.httpOnly, 'the refresh token is in an HttpOnly cookie')
    t.equal(refresh?.sameSite, 'Strict')
    t.equal(await page.evaluate(() => document.cookie.includes('portcullis_refresh')), false, 'JavaScript cannot read it')
    t.equal(await page.evaluate(() => localStorage.length + sessionStorage.length), 0, 'nothing in web storage')

    await page.reload()
    await page.getByText('webuser@example.com').first().waitFor()
    t.equal(new URL(page.url()).pathname, '/dashboard', 'still signed in after a reload')
    await page.goto(`${base}/profile`)
    await page.getByRole('heading', { level: 1 }).first().waitFor()
    await screenshot(page, 'profile')
    t.pass('profile page rendered')
  })

  t.test('a user who opens /admin gets the 403 page, and no admin link', async (t) => {
    await signUpByApi('plainuser')
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, 'plainuser')
    t.equal(await page.getByRole('link', { name: 'Admin' }).count(), 0)
    await page.goto(`${base}/admin`)
    await page.getByRole('heading', { name: 'You cannot open this page' }).waitFor()
    await screenshot(page, 'forbidden')
    await page.goto(`${base}/no-such-page`)
    await page.getByRole('heading', { name: 'Page not found' }).waitFor()
    await screenshot(page, 'not-found')
    t.pass('403 and 404 pages shown')
  })

  t.test('sign-out in one tab signs out the other', async (t) => {
    await signUpByApi('twotabs')
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const first = await context.newPage()
    await logIn(first, 'twotabs')
    const second = await context.newPage()
    await second.goto(`${base}/profile`)
    await second.getByRole('heading', { level: 1 }).first().waitFor()
    t.equal(new URL(second.url()).pathname, '/profile', 'the second tab restored the session from the cookie')
    await first.getByRole('button', { name: 'Sign out' }).click()
    await first.waitForURL(`${base}/login`)
    await second.waitForURL(/\/login$/, { timeout: 5000 })
    t.pass('both tabs are on the login page')
  })

  t.test('an admin disables a user, who is thrown out', async (t) => {
    await signUpByApi('victim')
    await signUpByApi('chief')
    await db.updateTable('users').set({ role: 'admin' }).where('username', '=', 'chief').execute()
    const userContext = await browser.newContext()
    const adminContext = await browser.newContext()
    t.teardown(async () => {
      await userContext.close()
      await adminContext.close()
    })
    const user = await userContext.newPage()
    await logIn(user, 'victim')
    const admin = await adminContext.newPage()
    await logIn(admin, 'chief')
    await admin.getByRole('link', { name: 'Admin' }).click()
    await admin.waitForURL(`${base}/admin`)
    const row = admin.getByRole('row').filter({ hasText: 'victim' })
    await row.waitFor()
    await screenshot(admin, 'admin-users')
    await row.getByRole('button', { name: /disable/i }).click()
    await admin.getByRole('dialog').getByRole('button', { name: /disable/i }).click()
    await admin.getByRole('row').filter({ hasText: 'victim' }).getByText(/disabled/i).first().waitFor()
    await admin.goto(`${base}/admin/audit`)
    await admin.getByRole('cell', { name: 'user disabled' }).first().waitFor()
    await screenshot(admin, 'admin-audit')

    await user.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click()
    await user.waitForURL(/\/login$/, { timeout: 10_000 })
    await screenshot(user, 'thrown-out')
    await user.getByLabel('Username or email').fill('victim')
    await user.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await user.getByRole('button', { name: 'Sign in' }).click()
    await user.getByRole('alert').filter({ hasText: /disabled/i }).waitFor()
    t.pass('thrown out, and cannot sign back in')
  })

  t.test('keyboard-only login', async (t) => {
    await signUpByApi('keyboard')
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`${base}/dashboard`)
    await page.waitForURL(`${base}/login`)
    await screenshot(page, 'login')
    const username = page.getByLabel('Username or email')
    for (let i = 0; i < 15 && !(await username.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab')
    t.ok(await username.evaluate((el) => el === document.activeElement), 'Tab reaches the username field')
    await page.keyboard.type('keyboard')
    await page.keyboard.press('Tab')
    await page.keyboard.type(PASSWORD)
    await page.keyboard.press('Enter')
    await page.waitForURL(`${base}/dashboard`)
    t.pass('signed in with the keyboard alone, and back to the page asked for')
  })

  t.test('on a phone, in dark mode', async (t) => {
    await signUpByApi('phoneuser')
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, colorScheme: 'dark', isMobile: true })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, 'phoneuser')
    await page.getByRole('heading', { level: 1 }).first().waitFor()
    await screenshot(page, 'dashboard-phone-dark')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    t.ok(overflow <= 0, `the page does not scroll sideways (${overflow} px)`)
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    t.equal(background, 'rgb(15, 19, 24)', 'the dark palette is used')
  })

  t.test('every page answers with security headers', async (t) => {
    const res = await fetch(`${base}/dashboard`, { headers: { accept: 'text/html' } })
    t.equal(res.status, 200)
    t.match(res.headers.get('content-security-policy'), /default-src 'self'/)
    t.equal(res.headers.get('x-content-type-options'), 'nosniff')
    t.equal(res.headers.get('cache-control'), 'no-cache')
  })
})
