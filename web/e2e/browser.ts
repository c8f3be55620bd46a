// Debian's Chromium driven by playwright-core: no browser is ever downloaded.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { testSettings } from '@portcullis/testkit/settings'

export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/screenshots')

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: testSettings().CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  })
}

/** Saves a full-page screenshot as a test artifact. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true })
}

interface Reporter {
  comment(...message: unknown[]): void
  passing(): boolean
  teardown(fn: () => unknown): void
}

/** Keeps what went wrong on the wire and in the console of a context's pages, and prints it if the test fails. */
export function reportTrouble(t: Reporter, context: BrowserContext): void {
  const seen: string[] = []
  const at = () => new Date().toISOString().slice(11, 23)
  context.on('response', (response) => {
    if (response.status() >= 400) seen.push(`${at()} ${response.status()} ${response.request().method()} ${response.url()}`)
  })
  context.on('requestfailed', (request) => seen.push(`${at()} failed ${request.method()} ${request.url()}: ${request.failure()?.errorText}`))
  context.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') seen.push(`${at()} console.${message.type()}: ${message.text()}`)
  })
  t.teardown(() => {
    if (!t.passing() && seen.length > 0) t.comment(`what the browser saw go wrong:\n${seen.join('\n')}`)
  })
}

/** A fresh Chromium with one context and one page, closed with the test, its trouble reported if the test fails. */
export async function openBrowserPage(t: Reporter): Promise<{ browser: Browser; context: BrowserContext; page: Page }> {
  const browser = await launchChromium()
  t.teardown(() => browser.close())
  const context = await browser.newContext()
  t.teardown(() => context.close())
  reportTrouble(t, context)
  return { browser, context, page: await context.newPage() }
}

/** Signs a user up through the stack's public API (as a person would on the sign-up page); the answer's status. */
export async function signUpThrough(stackUrl: string, username: string, password: string): Promise<number> {
  const answer = await fetch(`${stackUrl}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  return answer.status
}
