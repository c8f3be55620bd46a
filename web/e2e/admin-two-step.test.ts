// MFA_REQUIRED_FOR_ADMINS in a real Chromium against the real stack, with the setting on: an admin without a second factor
// opens /admin and is sent to set one up, does so on the profile (the key read off the page, the code computed as an app
// would), finds the console open, signs out and in again with a TOTP code as the second step, and turns off the two-step
// verification of a user who lost their app; that user is told by mail and signs in with the password alone.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureWebBuild } from '@portcullis/scripts/stack/web-build'
import { ADMIN_MFA_ON } from '@portcullis/testkit/admin-mfa'
import { mailsTo } from '@portcullis/testkit/outbox'
import { testSettings } from '@portcullis/testkit/settings'
import { startTestStack } from '@portcullis/testkit/stack'
import { totpCodeAt } from '@portcullis/testkit/totp'
import type { Browser } from 'playwright-core'
import t from 'tap'
import { launchChromium, reportTrouble, screenshot } from './browser.ts'

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PASSWORD = 'correct horse battery staple'
const kind = testSettings().E2E_DATABASE
const ADMIN = 'consolekeeper'
const LOCKED = 'lostphone'

t.test(`an admin's two-step verification in Chromium (${kind})`, async (t) => {
  const webDir = ensureWebBuild(web)
  const stack = await startTestStack(t, kind, { env: { WEB_DIR: webDir, ...ADMIN_MFA_ON } })
  // The refresh cookie is Secure: browsers keep Secure cookies over plain HTTP only for localhost.
  const base = stack.url.replace('127.0.0.1', 'localhost')
  const db = stack.database.handle.db
  const browser: Browser = await launchChromium()
  t.teardown(() => browser.close())

  async function api(route: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (token) headers.authorization = `Bearer ${token}`
    const res = await fetch(`${stack.url}${route}`, { method: 'POST', headers, body: JSON.stringify(body) })
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : {} }
  }

  // The admin, made by hand as an operator would; the user who will lose their phone turned the app on by the API.
  t.equal((await api('/auth/signup', { username: ADMIN, password: PASSWORD })).status, 201)
  await db.updateTable('users').set({ role: 'admin' }).where('username', '=', ADMIN).execute()
  t.equal((await api('/auth/signup', { username: LOCKED, password: PASSWORD, email: `${LOCKED}@example.com` })).status, 201)
  const locked = await api('/auth/login', { username: LOCKED, password: PASSWORD, session: 'token' })
  const lockedToken = String(locked.body.access_token)
  const lockedSecret = String((await api('/auth/mfa/totp/setup', {}, lockedToken)).body.secret)
  t.equal((await api('/auth/mfa/totp/confirm', { code: totpCodeAt(lockedSecret, Date.now()) }, lockedToken)).status, 200)
  t.match((await api('/auth/login', { username: LOCKED, password: PASSWORD })).body, { mfa_required: true }, `${LOCKED} needs a code to sign in`)

  const context = await browser.newContext()
  t.teardown(() => context.close())
  reportTrouble(t, context)
  const page = await context.newPage()
  await page.goto(`${base}/login`)
  await page.getByLabel('Username or email').fill(ADMIN)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${base}/dashboard`)

  // No factor yet: the console shows the way to set one up, and nothing of itself.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click()
  await page.waitForURL(`${base}/admin`)
  await page.getByRole('heading', { level: 1, name: 'Admins must use two-step verification' }).waitFor()
  t.equal(await page.getByRole('table', { name: 'Users' }).count(), 0, 'no users table')
  t.equal(await page.title(), 'Two-step verification needed · Admin · Portcullis')
  await screenshot(page, 'admin-enrolment-required')
  await page.getByRole('link', { name: 'Set up two-step verification' }).click()
  await page.waitForURL(`${base}/profile#two-step`)

  const section = page.getByRole('region', { name: 'Two-step verification' })
  await section.getByRole('button', { name: 'Set up an authenticator app' }).click()
  await section.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor()
  const secret = ((await section.locator('code.totp-key').textContent()) ?? '').replace(/\s+/g, '')
  t.match(secret, /^[A-Z2-7]{32}$/, 'the key is shown as text')
  await section.getByLabel('Code from the app').fill(totpCodeAt(secret, Date.now()))
  await section.getByRole('button', { name: 'Turn on' }).click()
  await section.getByRole('heading', { name: 'Save your recovery codes' }).waitFor()
  const codes = await section.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allInnerTexts()
  t.equal(codes.length, 10, 'ten recovery codes, shown once')
  await section.getByRole('button', { name: 'I have saved them' }).click()
  await section.getByText('On: your authenticator app is required at sign-in.').waitFor()

  // The same session, signed in with the password alone: the factor it has now is what the console asks for.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click()
  await page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor()
  await page
    .getByRole('table', { name: 'Users' })
    .getByRole('rowheader', { name: new RegExp(`^${ADMIN}`) })
    .waitFor()
  t.pass('the console opens once the factor is set up')

  // Signed in again, the password is not enough: the second step takes a code (the app's next one: the enrolment took
  // this time step's, and each code counts once).
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.waitForURL(`${base}/login`)
  await page.getByLabel('Username or email').fill(ADMIN)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('heading', { name: 'Two-step verification' }).waitFor()
  await screenshot(page, 'admin-second-step')
  await page.getByLabel('Authentication code').fill(totpCodeAt(secret, Date.now() + 30_000))
  await page.getByRole('button', { name: 'Verify' }).click()
  await page.waitForURL(`${base}/dashboard`)
  t.pass('signed in with the password and a TOTP code')

  // The user who lost their phone: their two-step verification shown, and turned off after asking.
  await page.goto(`${base}/admin?q=${LOCKED}`)
  const users = page.getByRole('table', { name: 'Users' })
  await users.getByRole('button', { name: `Two-step (${LOCKED})` }).click()
  const factors = users.getByRole('region', { name: `Two-step verification of ${LOCKED}` })
  await factors.getByText('On: a password alone does not sign this user in.').waitFor()
  t.equal(await factors.getByRole('definition').first().textContent(), 'On', 'the authenticator app is on')
  await screenshot(page, 'admin-user-two-step')
  await factors.getByRole('button', { name: 'Turn off two-step verification' }).click()
  const dialog = page.getByRole('dialog', { name: `Turn off two-step verification for ${LOCKED}?` })
  t.match(await dialog.textContent(), new RegExp(`told by email at ${LOCKED}@example\\.com`))
  await dialog.getByRole('button', { name: 'Turn off' }).click()
  await factors
    .getByRole('status')
    .filter({ hasText: `Two-step verification is off for ${LOCKED}` })
    .waitFor()
  await factors.getByText('Off: this user signs in with the password alone.').waitFor()
  t.equal(await factors.getByRole('button', { name: 'Turn off two-step verification' }).count(), 0, 'nothing left to turn off')

  const [mail] = await mailsTo(db, `${LOCKED}@example.com`, 'mfa_reset')
  t.match(mail?.text, /administrator turned off two-step verification/, `${LOCKED} is told by mail`)
  const [event] = await db.selectFrom('audit_events').select(['type']).where('type', '=', 'mfa_reset').execute()
  t.same(event, { type: 'mfa_reset' }, 'the reset is in the audit log')
  t.ok((await api('/auth/login', { username: LOCKED, password: PASSWORD })).body.access_token, `${LOCKED} signs in with the password alone`)
})
