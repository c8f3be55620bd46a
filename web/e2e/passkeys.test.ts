// Passkeys in a real Chromium against the real stack, answered by DevTools' virtual authenticator (a platform
// authenticator with user verification, as a laptop's fingerprint reader is): registered on the profile, then signing in
// with it alone, as the second step after the password, and removed.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { BrowserContext, CDPSession, Page } from 'playwright-core'
import { ensureWebBuild } from '@portcullis/scripts/stack/web-build'
import { testSettings } from '@portcullis/testkit/settings'
import { startTestStack } from '@portcullis/testkit/stack'
import { launchChromium, reportTrouble, screenshot } from './browser.ts'

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PASSWORD = 'correct horse battery staple'
const kind = testSettings().E2E_DATABASE

/** A virtual authenticator on the page: resident keys, user verification that succeeds, presence given automatically. */
async function virtualAuthenticator(context: BrowserContext, page: Page): Promise<{ cdp: CDPSession; id: string }> {
  const cdp = await context.newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  })
  return { cdp, id: authenticatorId }
}

t.test(`passkeys in Chromium (${kind})`, async (t) => {
  const webDir = ensureWebBuild(web)
  const stack = await startTestStack(t, kind, { env: { WEB_DIR: webDir } })
  // WebAuthn needs a secure context and a domain for its relying party ID: localhost is both (PUBLIC_URL says localhost).
  const base = stack.url.replace('127.0.0.1', 'localhost')
  const browser = await launchChromium()
  t.teardown(() => browser.close())

  const signup = await fetch(`${stack.url}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'keyholder', password: PASSWORD }),
  })
  t.equal(signup.status, 201)

  const context = await browser.newContext()
  t.teardown(() => context.close())
  reportTrouble(t, context)
  const page = await context.newPage()
  const authenticator = await virtualAuthenticator(context, page)
  // The virtual authenticator would answer the username field's autofill request at once, racing the buttons under test
  // (a person picks from the field's suggestions; the autofill itself is tested in web/test/auth-forms.test.tsx): here the
  // browser says it has no passkey autofill, so the page's own buttons are what ask for the passkey.
  await page.addInitScript(() => {
    Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false })
  })

  async function signInWithPassword(): Promise<void> {
    await page.goto(`${base}/login`)
    await page.getByLabel('Username or email').fill('keyholder')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
  }

  async function signOut(): Promise<void> {
    await page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await page.waitForURL(`${base}/login`)
  }

  t.test('register a passkey on the profile', async (t) => {
    await signInWithPassword()
    await page.waitForURL(`${base}/dashboard`)
    await page.goto(`${base}/profile`)
    const section = page.getByRole('region', { name: 'Passkeys' })
    await section.getByText('No passkeys yet.').waitFor()
    await section.getByLabel('Name for the new passkey').fill('Test laptop')
    await section.getByRole('button', { name: 'Add a passkey' }).click()
    await section.getByRole('heading', { name: 'Save your recovery codes' }).waitFor()
    t.equal(await section.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count(), 10, 'the first second factor comes with recovery codes')
    await section.getByRole('button', { name: 'I have saved them' }).click()
    await section.getByRole('list', { name: 'Your passkeys' }).getByText('Test laptop').waitFor()
    await screenshot(page, 'passkeys')
    const { credentials } = await authenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator.id })
    t.equal(credentials.length, 1, 'the authenticator holds one credential')
    t.equal(credentials[0]?.isResidentCredential, true, 'a discoverable one: it can sign in without a username')
    t.equal(credentials[0]?.rpId, 'localhost', 'for PUBLIC_URL’s host')
    await page
      .getByRole('region', { name: 'Two-step verification' })
      .getByText(/On: your passkey is asked for after your password/)
      .waitFor()
  })

  t.test('sign out, then sign in with the passkey alone from "Sign in with a passkey"', async (t) => {
    await signOut()
    await page.getByRole('button', { name: 'Passkey sign-in' }).click()
    await page.waitForURL(`${base}/dashboard`)
    t.pass('signed in with no username and no password')
    const { credentials } = await authenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator.id })
    t.ok((credentials[0]?.signCount ?? 0) >= 1, 'the authenticator signed')
  })

  t.test('the passkey as the second step after the password', async (t) => {
    await signOut()
    await signInWithPassword()
    await page.getByRole('heading', { name: 'Two-step verification' }).waitFor()
    t.equal(await page.getByLabel('Authentication code').count(), 0, 'no app: no code field')
    await page.getByRole('button', { name: 'Use a passkey' }).click()
    await page.waitForURL(`${base}/dashboard`)
    t.pass('signed in with the password and the passkey')
  })

  t.test('remove the passkey: the password alone signs in again', async (t) => {
    await page.goto(`${base}/profile`)
    const section = page.getByRole('region', { name: 'Passkeys' })
    await section.getByRole('button', { name: 'Remove Test laptop' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Remove passkey' }).click()
    await section.getByText('Passkey “Test laptop” removed.').waitFor()
    await section.getByText('No passkeys yet.').waitFor()
    await signOut()
    await signInWithPassword()
    await page.waitForURL(`${base}/dashboard`)
    t.pass('no second step any more')
    await signOut()
    await page.getByRole('button', { name: 'Passkey sign-in' }).click()
    await page.getByRole('alert').waitFor()
    t.match(await page.getByRole('alert').innerText(), /passkey could not be used/i, 'the removed passkey signs nobody in')
  })
})
