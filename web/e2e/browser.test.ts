// The web app in a real Chromium against the real stack (auth, user, admin, gateway serving the build).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { testSettings } from '@portcullis/testkit/settings'
import t from 'tap'
import type { Browser, Page } from 'playwright-core'

interface Teardown {
  teardown(fn: () => unknown): void
}
import { ADMIN_MFA_OFF } from '@portcullis/testkit/admin-mfa'
import { waitForMail } from '@portcullis/testkit/mailbox'
import { linkIn } from '@portcullis/testkit/outbox'
import { startTestStack } from '@portcullis/testkit/stack'
import { totpCodeAt } from '@portcullis/testkit/totp'
import { ensureWebBuild } from '@portcullis/scripts/stack/web-build'
import { launchChromium, reportTrouble, screenshot } from './browser.ts'

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PASSWORD = 'correct horse battery staple'
const kind = testSettings().E2E_DATABASE
/** An iPhone 14's screen in CSS pixels. */
const PHONE = { width: 390, height: 844 }

t.test(`the web app in Chromium (${kind})`, async (t) => {
  const webDir = ensureWebBuild(web)
  // Not the default minimum: the sign-up page must show the server's setting, not a copy of the default. The admins here
  // sign in with a password alone: MFA_REQUIRED_FOR_ADMINS (on by default) is admin-two-step.test.ts's to show.
  const stack = await startTestStack(t, kind, { env: { WEB_DIR: webDir, PASSWORD_MIN_LENGTH: '10', ...ADMIN_MFA_OFF } })
  // The refresh cookie is Secure: browsers keep Secure cookies over plain HTTP only for localhost.
  const base = stack.url.replace('127.0.0.1', 'localhost')
  const browser: Browser = await launchChromium()
  t.teardown(() => browser.close())
  const db = stack.database.handle.db

  async function signUpByApi(username: string): Promise<void> {
    const res = await fetch(`${stack.url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    })
    if (res.status !== 201) throw new Error(`signup ${username}: ${res.status}`)
  }

  /** A second session of the user (an API client's), so that the dashboard lists one this browser can sign out. */
  async function signInByApi(username: string): Promise<void> {
    const res = await fetch(`${stack.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'curl/8.5.0' },
      body: JSON.stringify({ username, password: PASSWORD, session: 'token' }),
    })
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`)
  }

  async function makeAdmin(username: string): Promise<void> {
    await db.updateTable('users').set({ role: 'admin' }).where('username', '=', username).execute()
  }

  /** A user and an admin (both made here), each signed in in a browser context of their own: two people, two machines. */
  async function userAndAdmin(t: Teardown, username: string, adminName: string, userAgent?: string): Promise<{ user: Page; admin: Page }> {
    await signUpByApi(username)
    await signUpByApi(adminName)
    await makeAdmin(adminName)
    const userContext = await browser.newContext(userAgent ? { userAgent } : {})
    const adminContext = await browser.newContext()
    t.teardown(async () => {
      await userContext.close()
      await adminContext.close()
    })
    const user = await userContext.newPage()
    await logIn(user, username)
    const admin = await adminContext.newPage()
    await logIn(admin, adminName)
    return { user, admin }
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
    reportTrouble(t, context)
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
    const { user, admin } = await userAndAdmin(t, 'victim', 'chief')
    await admin.getByRole('link', { name: 'Admin' }).click()
    await admin.waitForURL(`${base}/admin`)
    // In the users table: the recent events under it name the user too.
    const users = admin.getByRole('table', { name: 'Users' })
    const row = users.getByRole('row').filter({ hasText: 'victim' })
    await row.waitFor()
    await screenshot(admin, 'admin-users')
    await row.getByRole('button', { name: /disable/i }).click()
    await admin
      .getByRole('dialog')
      .getByRole('button', { name: /disable/i })
      .click()
    await users
      .getByRole('row')
      .filter({ hasText: 'victim' })
      .getByText(/disabled/i)
      .first()
      .waitFor()
    await admin.goto(`${base}/admin/audit`)
    await admin.getByRole('cell', { name: 'user disabled' }).first().waitFor()
    await screenshot(admin, 'admin-audit')

    await user.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click()
    await user.waitForURL(/\/login$/, { timeout: 10_000 })
    const notice = user.getByRole('status').filter({ hasText: 'Your account has been disabled' })
    await notice.waitFor()
    t.equal(await user.getByText('Your session has ended').count(), 0, 'not told that the session merely ended')
    await screenshot(user, 'thrown-out')
    // A reload asks the server again, which still refuses the account: the page still says why.
    await user.reload()
    await user.getByRole('status').filter({ hasText: 'Your account has been disabled' }).waitFor()
    await user.getByLabel('Username or email').fill('victim')
    await user.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await user.getByRole('button', { name: 'Sign in' }).click()
    await user
      .getByRole('alert')
      .filter({ hasText: /disabled/i })
      .waitFor()
    t.pass('thrown out, and cannot sign back in')
  })

  t.test('a disabled user whose page is open is told so at the next action', async (t) => {
    const { user, admin } = await userAndAdmin(t, 'stillhere', 'warden')
    await user.goto(`${base}/profile`)
    await user.getByLabel('Display name').waitFor()

    await admin.goto(`${base}/admin?q=stillhere`)
    const users = admin.getByRole('table', { name: 'Users' })
    await users.getByRole('button', { name: 'Disable (stillhere)' }).click()
    await admin.getByRole('dialog').getByRole('button', { name: 'Disable' }).click()
    await users.getByRole('button', { name: 'Enable (stillhere)' }).waitFor()

    // The profile page is still on screen; saving it is the next thing the user does.
    await user.getByLabel('Display name').fill('Still here')
    await user.getByRole('button', { name: 'Save profile' }).click()
    await user.waitForURL(/\/login$/, { timeout: 10_000 })
    await user.getByRole('status').filter({ hasText: 'Your account has been disabled' }).waitFor()
    t.pass('on the login page, told the account is disabled')
  })

  t.test("sign-up names every problem at once, with the server's rules, and shows the password's strength", async (t) => {
    const context = await browser.newContext()
    t.teardown(() => context.close())
    reportTrouble(t, context)
    const page = await context.newPage()
    await page.goto(`${base}/signup`)
    t.equal(await page.title(), 'Create an account · Portcullis')
    await page.getByText('At least 10 characters').waitFor()
    const button = page.getByRole('button', { name: 'Create account' })
    t.ok(await button.isEnabled(), 'the button is not greyed out')

    await page.getByLabel('Username').fill('x')
    await page.getByLabel('Password', { exact: true }).fill('12345678')
    await page.getByLabel('Confirm password').fill('1234567')
    await button.click()
    const alerts = page.getByRole('alert')
    await alerts.first().waitFor()
    const said = await alerts.allTextContents()
    t.same(said, [
      'Username must be 3 to 32 characters: letters, digits, dots, dashes or underscores, starting with a letter or digit.',
      'Password must be at least 10 characters long. Password must not be a sequence of letters, digits or keys (like 12345678, abcdefgh or qwertyui).',
      'The confirmation does not match the password.',
    ])
    t.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'username', 'the first invalid field has focus')
    t.equal(await page.getByLabel('Username').getAttribute('aria-invalid'), 'true')
    await screenshot(page, 'signup-problems')

    // The strength meter: loaded once a password is typed, a word and zxcvbn's warning.
    const meter = page.getByRole('meter', { name: 'Strength:' })
    await meter.waitFor()
    t.equal(await meter.getAttribute('aria-valuetext'), 'Very weak')
    await page.getByText('This is a heavily used password.').waitFor()
    await page.getByLabel('Password', { exact: true }).fill('tulip orbit lantern gravel')
    await page.getByText('Strong', { exact: true }).waitFor()

    // What only the server knows (a taken username) comes back next to its field too.
    await signUpByApi('takenname')
    await page.getByLabel('Username').fill('takenname')
    await page.getByLabel('Confirm password').fill('tulip orbit lantern gravel')
    await button.click()
    const username = page.getByLabel('Username')
    await page.waitForFunction(() => document.querySelector('input[name="username"]')?.getAttribute('aria-invalid') === 'true')
    t.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'username')
    t.equal(await username.getAttribute('aria-invalid'), 'true')
    t.equal(await page.getByRole('alert').count(), 1, 'one problem, at the username')
  })

  t.test('each page names the tab and focuses its heading; the login page focuses the username field', async (t) => {
    await signUpByApi('reader')
    await makeAdmin('reader')
    const context = await browser.newContext()
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(`${base}/login`)
    t.equal(await page.title(), 'Sign in · Portcullis')
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'username')
    await logIn(page, 'reader')
    const focusedHeading = () => page.evaluate(() => (document.activeElement?.tagName === 'H1' ? document.activeElement.textContent : null))
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1')
    t.equal(await page.title(), 'Dashboard · Portcullis')
    t.equal(await focusedHeading(), 'Dashboard')
    const nav = page.getByRole('navigation', { name: 'Main' })
    for (const [link, title, heading] of [
      ['Profile', 'Profile · Portcullis', 'Profile'],
      ['Admin', 'Users · Admin · Portcullis', 'Administration'],
    ] as const) {
      await nav.getByRole('link', { name: link }).click()
      await page.waitForFunction((text) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === text, heading)
      t.equal(await page.title(), title)
    }
    await page.getByRole('link', { name: 'Audit log', exact: true }).click()
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === 'Audit log')
    t.equal(await page.title(), 'Audit log · Admin · Portcullis')
    await page.goto(`${base}/no-such-page`)
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1')
    t.equal(await page.title(), 'Page not found · Portcullis')
  })

  t.test('the admin asks before making an admin, and the audit log names people and devices, filtered by a picked user', async (t) => {
    const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0'
    const { admin } = await userAndAdmin(t, 'promoted', 'overseer', firefox)
    await admin.goto(`${base}/admin?q=promoted`)
    await admin.getByRole('table', { name: 'Users' }).getByRole('button', { name: 'Make admin (promoted)' }).click()
    const dialog = admin.getByRole('dialog', { name: 'Make promoted an admin?' })
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Make admin' }).click()
    await admin.getByText('promoted is now an admin.').waitFor()

    await admin.getByRole('link', { name: 'Audit log', exact: true }).click()
    const picker = admin.getByRole('combobox', { name: 'User' })
    await picker.fill('promo')
    await admin.getByRole('option', { name: /^promoted/ }).click()
    await admin.waitForURL(/\/admin\/audit\?user_id=/)
    // The address changes first; the page renders the chosen user from it a moment later.
    const shownBy = Date.now() + 5000
    while ((await picker.inputValue()) !== 'promoted' && Date.now() < shownBy) await admin.waitForTimeout(50)
    t.equal(await picker.inputValue(), 'promoted', 'the picker shows the chosen username')
    // Every row is about the chosen user once the filtered page has come (the last page stays on screen until then).
    await admin.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll('table tbody tr'))
      return rows.length > 0 && rows.every((row) => row.querySelectorAll('td')[1]?.textContent === 'promoted')
    })
    const table = admin.getByRole('table', { name: 'Audit events, newest first' })
    const promotion = table
      .getByRole('row')
      .filter({ hasText: 'role changed' })
      .or(table.getByRole('row').filter({ hasText: 'admin promoted' }))
      .first()
    await promotion.waitFor()
    const text = (await promotion.textContent()) ?? ''
    t.match(text, /promoted/, 'the user by username')
    t.match(text, /overseer/, 'the actor by username')
    const signIn = table.getByRole('row').filter({ hasText: 'login succeeded' }).first()
    t.match((await signIn.textContent()) ?? '', /Firefox on Linux/, 'the device by a short name')
    t.notMatch((await table.textContent()) ?? '', /Gecko\/20100101/, 'no full user agent in the table')
    await screenshot(admin, 'admin-audit-filtered')
    await admin.getByRole('button', { name: 'Clear the user filter' }).click()
    await admin.waitForURL(`${base}/admin/audit`)
  })

  t.test('on a 390 px phone no page scrolls sideways and every row button is on screen', async (t) => {
    await signUpByApi('pocket')
    await makeAdmin('pocket')
    await signInByApi('pocket')
    const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await logIn(page, 'pocket')
    for (const [path, buttons] of [
      ['/dashboard', /^Sign out this session/],
      ['/admin', /^(Make user|Make admin|Disable|Enable|Revoke sessions)/],
      ['/admin/audit', undefined],
      ['/profile', undefined],
    ] as const) {
      await page.goto(`${base}${path}`)
      await page.getByRole('heading', { level: 1 }).waitFor()
      await page.waitForLoadState('networkidle')
      if (path !== '/profile') await page.getByRole('table').first().waitFor()
      const name = `phone-${path.slice(1).replaceAll('/', '-')}`
      await screenshot(page, name)
      const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }))
      // A phone widens the layout viewport to fit content that overflows: innerWidth must still be the phone's.
      t.equal(widths.inner, PHONE.width, `${path} is laid out at the phone's width`)
      t.ok(widths.scroll <= widths.inner, `${path} does not scroll sideways (${widths.scroll} <= ${widths.inner})`)
      if (!buttons) continue
      const found = page.getByRole('button', { name: buttons })
      const count = await found.count()
      t.ok(count > 0, `${path} has row buttons`)
      for (let i = 0; i < count; i++) {
        const box = await found.nth(i).boundingBox()
        t.ok(box && box.x >= 0 && box.x + box.width <= widths.inner, `${path}: button ${i + 1} lies within the screen (${box?.x} + ${box?.width})`)
      }
    }
  })

  t.test('forgot password: the mailed link sets a new password, and the user signs in with it', async (t) => {
    const email = 'forgetful@example.test'
    const created = await fetch(`${stack.url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'forgetful', password: PASSWORD, email }),
    })
    t.equal(created.status, 201)
    const context = await browser.newContext()
    t.teardown(() => context.close())
    reportTrouble(t, context)
    const page = await context.newPage()
    await page.goto(`${base}/login`)
    await page.getByRole('link', { name: 'Forgot password?' }).click()
    await page.waitForURL(`${base}/forgot-password`)
    await page.getByLabel('Username or email').fill(email)
    await page.getByRole('button', { name: 'Send reset link' }).click()
    await page.getByText('If an account matches, we have sent a link to its email address.').waitFor()

    // No SMTP_URL in this stack: auth writes the mail to DATA_DIR/mail, as pnpm start's local inbox reads it.
    const mail = await waitForMail(path.join(stack.database.env.DATA_DIR, 'mail'), (m) => m.to === email && /Reset/.test(m.subject), 15_000)
    const link = linkIn(mail.text)
    t.equal(link.origin, base, 'the link points at the web app (PUBLIC_URL)')
    await page.goto(link.href)
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor()
    t.equal(page.url(), `${base}/reset-password`, 'the token has left the address bar')
    await page.getByLabel('New password', { exact: true }).fill('a new passphrase from the link')
    await page.getByLabel('Confirm new password').fill('a new passphrase from the link')
    await page.getByRole('button', { name: 'Set new password' }).click()
    await page.waitForURL(`${base}/login`)
    await page.getByRole('status').filter({ hasText: 'Your password has been changed. Sign in with the new one.' }).waitFor()
    await page.getByLabel('Username or email').fill('forgetful')
    await page.getByLabel('Password', { exact: true }).fill('a new passphrase from the link')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${base}/dashboard`)
    await screenshot(page, 'after-reset')
    t.pass('signed in with the new password')
    await page.goto(link.href)
    await page.getByLabel('New password', { exact: true }).fill('yet another passphrase here')
    await page.getByLabel('Confirm new password').fill('yet another passphrase here')
    await page.getByRole('button', { name: 'Set new password' }).click()
    await page.getByText('This link has expired or was already used').waitFor()
    t.pass('the link works once: opened again, it says so')
  })

  t.test('two-step verification: turned on from the profile, then asked for at sign-in', async (t) => {
    await signUpByApi('twostep')
    const context = await browser.newContext()
    t.teardown(() => context.close())
    reportTrouble(t, context)
    const page = await context.newPage()
    await page.goto(`${base}/login`)
    await page.getByLabel('Username or email').fill('twostep')
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${base}/dashboard`)
    await page.goto(`${base}/profile`)
    const section = page.getByRole('region', { name: 'Two-step verification' })
    await section.getByRole('button', { name: 'Set up an authenticator app' }).click()
    await section.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor()
    const secret = (await section.locator('code.totp-key').innerText()).replace(/\s+/g, '')
    t.match(secret, /^[A-Z2-7]{32}$/, 'the key is shown as text')
    await section.getByLabel('Code from the app').fill(totpCodeAt(secret, Date.now()))
    await section.getByRole('button', { name: 'Turn on' }).click()
    await section.getByRole('heading', { name: 'Save your recovery codes' }).waitFor()
    const codes = await section.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allInnerTexts()
    t.equal(codes.length, 10, 'ten recovery codes, shown once')
    await screenshot(page, 'recovery-codes')
    await section.getByRole('button', { name: 'I have saved them' }).click()
    await section.getByText('On: your authenticator app is required at sign-in.').waitFor()

    // Another browser: the password alone is not enough any more; a code (a later one than the enrolment's) is.
    const other = await browser.newContext()
    t.teardown(() => other.close())
    const second = await other.newPage()
    await second.goto(`${base}/login`)
    await second.getByLabel('Username or email').fill('twostep')
    await second.getByLabel('Password', { exact: true }).fill(PASSWORD)
    await second.getByRole('button', { name: 'Sign in' }).click()
    await second.getByRole('heading', { name: 'Two-step verification' }).waitFor()
    t.equal(second.url(), `${base}/login`, 'no ticket in the address')
    await second.getByLabel('Authentication code').fill('000000')
    await second.getByRole('button', { name: 'Verify' }).click()
    await second.getByText('That code is not right; try again').waitFor()
    await second.getByRole('button', { name: 'Use a recovery code instead' }).click()
    await second.getByLabel('Recovery code').fill(codes[0] ?? '')
    await second.getByRole('button', { name: 'Verify' }).click()
    await second.waitForURL(`${base}/dashboard`)
    t.pass('signed in with the password and a recovery code')
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
    t.ok(await username.evaluate((el) => el === document.activeElement), 'the username field has focus when the page opens')
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
