// Step-up in a real Chromium against the real stack (STEP_UP_MAX_AGE=10): a sign-in older than that changes the password
// only after "Confirm it's you"; the prompt takes the password, the change goes through, and the profile says so.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { ensureWebBuild } from '@portcullis/scripts/stack/web-build'
import { testSettings } from '@portcullis/testkit/settings'
import { startTestStack } from '@portcullis/testkit/stack'
import { launchChromium, reportTrouble, screenshot } from './browser.ts'

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PASSWORD = 'correct horse battery staple'
const NEW_PASSWORD = 'a stepped-up passphrase of mine'
const MAX_AGE = 10
const kind = testSettings().E2E_DATABASE

t.test(`step-up in Chromium (${kind})`, async (t) => {
  const webDir = ensureWebBuild(web)
  const stack = await startTestStack(t, kind, { env: { WEB_DIR: webDir, STEP_UP_MAX_AGE: String(MAX_AGE) } })
  // The refresh cookie is Secure: browsers keep Secure cookies over plain HTTP only for localhost.
  const base = stack.url.replace('127.0.0.1', 'localhost')
  const browser = await launchChromium()
  t.teardown(() => browser.close())

  const signup = await fetch(`${stack.url}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'stepper', password: PASSWORD }),
  })
  t.equal(signup.status, 201)

  const context = await browser.newContext()
  t.teardown(() => context.close())
  reportTrouble(t, context)
  const page = await context.newPage()
  const refused: string[] = []
  page.on('response', async (response) => {
    if (response.status() === 401 && new URL(response.url()).pathname === '/auth/password') {
      refused.push(((await response.json().catch(() => ({}))) as { code?: string }).code ?? '')
    }
  })

  await page.goto(`${base}/login`)
  await page.getByLabel('Username or email').fill('stepper')
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${base}/dashboard`)
  await page.goto(`${base}/profile`)
  const form = page.getByRole('form', { name: 'Change password' })
  await form.waitFor()
  await page.waitForTimeout((MAX_AGE + 1.5) * 1000)

  await form.getByLabel('Current password').fill(PASSWORD)
  await form.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
  await form.getByLabel('Confirm new password').fill(NEW_PASSWORD)
  await form.getByRole('button', { name: 'Change password' }).click()

  const prompt = page.getByRole('dialog', { name: "Confirm it's you" })
  await prompt.waitFor()
  t.same(refused, ['reauthentication_required'], 'the server asked for a recent sign-in')
  await prompt.getByText('For your security, enter your password again to make this change.').waitFor()
  await screenshot(page, 'step-up-prompt')
  await prompt.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await prompt.getByRole('button', { name: 'Confirm' }).click()

  await page.getByText('Your password has been changed. Your other sessions have been signed out.').waitFor()
  t.equal(await prompt.count(), 0, 'the prompt is gone')
  await screenshot(page, 'step-up-done')
  const login = (password: string) =>
    fetch(`${stack.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'stepper', password }),
    })
  t.equal((await login(NEW_PASSWORD)).status, 200, 'the new password signs in')
  t.equal((await login(PASSWORD)).status, 401, 'the old one does not')
  t.same(refused, ['reauthentication_required'], 'refused once, then sent again with the new token')
})
