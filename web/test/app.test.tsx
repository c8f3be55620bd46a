// The application: on load it restores the session and keeps the token fresh until it is closed.
import { problem, stubFetch } from '@portcullis/testkit/fetch-stub'
import { render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { App } from '../src/app/App.tsx'

const { refreshBeforeExpiry, stopRefreshing } = vi.hoisted(() => {
  const stopRefreshing = vi.fn()
  return { stopRefreshing, refreshBeforeExpiry: vi.fn(() => stopRefreshing) }
})
vi.mock('../src/lib/session/refresh-before-expiry.ts', () => ({ refreshBeforeExpiry }))

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('App', () => {
  it('restores the session, starts the refresh timer once, and stops it when closed', async () => {
    const { calls } = stubFetch({ 'POST /auth/refresh': () => problem(401, 'invalid_refresh_token', 'The refresh token is not valid') })
    const view = render(<App />)

    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy()
    expect(calls).toEqual(['POST /auth/refresh'])
    expect(refreshBeforeExpiry).toHaveBeenCalledTimes(1)
    expect(stopRefreshing).not.toHaveBeenCalled()

    view.unmount()
    expect(stopRefreshing).toHaveBeenCalledTimes(1)
  })
})
