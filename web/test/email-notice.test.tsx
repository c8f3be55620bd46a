// The signed-in shell's notice about the email address: shown for an address not proven yet (only where addresses are
// proven) and for a change waiting for its link, never otherwise; its button asks for the link again.
import type { UserBody } from '@portcullis/shared/api/common'
import { json, problem, type Route as Answer, sentBody, stubFetch } from '@portcullis/testkit/fetch-stub'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MemoryRouter, Route, Routes } from 'react-router'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Shell } from '../src/app/Shell.tsx'
import { type SessionState, sessionStore } from '../src/lib/session/session-store.ts'
import { testUser } from './users.ts'

const alice = testUser({ email_verified: false, display_name: null })

function policy(emailVerification: 'off' | 'optional' | 'required') {
  return () => json({ min_length: 12, max_length: 64, product_name: 'Acme', email_verification: emailVerification })
}

function signedIn(user: UserBody): SessionState {
  return { status: 'signed-in', accessToken: 'token-of-alice', user, expiresAt: Date.now() + 600_000 }
}

/** The shell around a page that asks for nothing itself; the session's user is `session`, the server's profile `profile`. */
function renderShell(session: SessionState, routes: Record<string, Answer>) {
  const stub = stubFetch(routes)
  sessionStore.set(session)
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  render(
    <QueryClientProvider client={queryClient}>
      <MemoryRouter initialEntries={['/page']}>
        <Routes>
          <Route element={<Shell />}>
            <Route path="/page" element={<h1>A page</h1>} />
          </Route>
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  )
  return { ...stub, actor: userEvent.setup() }
}

function notice() {
  return screen.queryByRole('region', { name: 'Your email address' })
}

afterEach(() => {
  vi.unstubAllGlobals()
  sessionStore.set({ status: 'anonymous' })
})

describe('EmailNotice', () => {
  it('asks a user to confirm an address not proven yet, and sends the link again with their session', async () => {
    const { callsTo, actor } = renderShell(signedIn(alice), {
      'GET /auth/password-policy': policy('optional'),
      'GET /user/profile': () => json(alice),
      'POST /auth/email/verify/resend': () => json({}, 202),
    })
    const region = await screen.findByRole('region', { name: 'Your email address' })
    expect(region.textContent).toContain('Confirm your email address: we sent a link to alice@example.com.')

    await actor.click(within(region).getByRole('button', { name: 'Send it again' }))
    await waitFor(() => expect(within(region).getByRole('status').textContent).toBe('Sent.'))
    const [resend] = callsTo('POST', '/auth/email/verify/resend')
    expect(sentBody(resend?.[1])).toEqual({})
    expect(new Headers(resend?.[1]?.headers).get('authorization')).toBe('Bearer token-of-alice')
  })

  it("shows the server's 429 when the link was asked for too often", async () => {
    const { actor } = renderShell(signedIn(alice), {
      'GET /auth/password-policy': policy('required'),
      'GET /user/profile': () => json(alice),
      'POST /auth/email/verify/resend': () => problem(429, 'too_many_attempts', 'Too many attempts; try again later', undefined, { 'retry-after': '90' }),
    })
    const region = await screen.findByRole('region', { name: 'Your email address' })
    await actor.click(within(region).getByRole('button', { name: 'Send it again' }))
    expect((await within(region).findByRole('alert')).textContent).toBe('Too many attempts; try again later (try again in 90 s)')
    expect(within(region).getByRole('status').textContent).toBe('')
  })

  it('says nothing where addresses are not proven, and does not ask for the profile', async () => {
    const { calls } = renderShell(signedIn(alice), { 'GET /auth/password-policy': policy('off') })
    await waitFor(() => expect(calls).toEqual(['GET /auth/password-policy']))
    // Give the answer time to render anything it would.
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(notice()).toBeNull()
    expect(calls).toEqual(['GET /auth/password-policy'])
  })

  it('says nothing, and asks nothing, for a proven address or an account without one', async () => {
    for (const user of [
      { ...alice, email_verified: true },
      { ...alice, email: null },
    ]) {
      const { calls } = renderShell(signedIn(user), {})
      await screen.findByRole('heading', { name: 'A page' })
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(notice()).toBeNull()
      expect(calls).toEqual([])
      cleanup()
    }
  })

  it('goes by the profile the server has now, not the copy the session began with', async () => {
    const { calls } = renderShell(signedIn(alice), {
      'GET /auth/password-policy': policy('optional'),
      'GET /user/profile': () => json({ ...alice, email_verified: true }),
    })
    await waitFor(() => expect(calls).toContain('GET /user/profile'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(notice()).toBeNull()
  })

  it('tells a user whose new address waits for its link where mail goes until then', async () => {
    const waiting = { ...alice, email_verified: true, pending_email: 'alice@example.org' }
    const { actor, callsTo } = renderShell(signedIn(waiting), {
      'GET /user/profile': () => json(waiting),
      'POST /auth/email/verify/resend': () => json({}, 202),
    })
    const region = await screen.findByRole('region', { name: 'Your email address' })
    await waitFor(() =>
      expect(region.textContent).toContain('Your new address alice@example.org is waiting to be confirmed; until then mail goes to alice@example.com.'),
    )
    expect(region.textContent).not.toContain('Confirm your email address')
    await actor.click(within(region).getByRole('button', { name: 'Send it again' }))
    await waitFor(() => expect(callsTo('POST', '/auth/email/verify/resend')).toHaveLength(1))
  })

  it('shows nothing to a stranger', async () => {
    const { calls } = renderShell({ status: 'anonymous' }, {})
    await screen.findByRole('heading', { name: 'A page' })
    expect(notice()).toBeNull()
    expect(calls).toEqual([])
  })
})
