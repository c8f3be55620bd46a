// The profile's passkeys: listed with their names and dates, added from this device (the server's options to the browser,
// the browser's new credential to the server, the first factor's recovery codes shown once), renamed, and removed only
// after a confirmation; a prompt the user closed is said calmly and changes nothing.
import type { Passkey } from '@portcullis/shared/api/passkeys'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { json, noContent, sentBody, stubFetch } from '@portcullis/testkit/fetch-stub'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PasskeysSection } from '../src/features/profile/components/PasskeysSection.tsx'
import { sessionStore } from '../src/lib/session/session-store.ts'

/** What the browser has where WebAuthn is: a PublicKeyCredential constructor (the tests stub navigator.credentials). */
class FakePublicKeyCredential {}

const laptop: Passkey = { id: 'pk-1', name: 'Work laptop', created_at: '2026-11-01T10:00:00.000Z', last_used_at: null, synced: true }
const bytes = (text: string) => new TextEncoder().encode(text).buffer
const creationOptions = {
  challenge: 'Y2hhbGxlbmdl',
  rp: { id: 'localhost', name: 'Portcullis' },
  user: { id: 'dXNlci0x', name: 'alice', displayName: 'alice' },
  pubKeyCredParams: [{ alg: -7, type: 'public-key' }],
  excludeCredentials: [],
  authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
}
/** What navigator.credentials.create() resolves with in a browser. */
const created = {
  id: 'bmV3LWNyZWQ',
  rawId: bytes('new-cred'),
  type: 'public-key',
  authenticatorAttachment: 'platform',
  response: {
    attestationObject: bytes('attestation'),
    clientDataJSON: bytes('client-data'),
    getTransports: () => ['internal'],
    getPublicKeyAlgorithm: () => -7,
    getPublicKey: () => bytes('public-key'),
    getAuthenticatorData: () => bytes('auth-data'),
  },
  getClientExtensionResults: () => ({}),
}

function withPasskeys(create: () => Promise<unknown>) {
  vi.stubGlobal('PublicKeyCredential', FakePublicKeyCredential)
  const credentials = { create: vi.fn(create), get: vi.fn() }
  Object.defineProperty(navigator, 'credentials', { value: credentials, configurable: true })
  return credentials.create
}

function renderSection() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  render(
    <QueryClientProvider client={queryClient}>
      <PasskeysSection />
    </QueryClientProvider>,
  )
  return userEvent.setup()
}

beforeEach(() => {
  sessionStore.set({ status: 'signed-in', accessToken: 'access-1', user: { id: 'u1' } as never, expiresAt: Date.now() + 600_000 })
})

afterEach(() => {
  vi.unstubAllGlobals()
  Reflect.deleteProperty(navigator, 'credentials')
})

describe('PasskeysSection', () => {
  it('adds a passkey from this device under the name given, and shows the recovery codes of the first factor once', async () => {
    const create = withPasskeys(async () => created)
    let list: Passkey[] = []
    const codes = Array.from({ length: 10 }, (_, i) => `code-${i}-abcd`)
    const { callsTo } = stubFetch({
      'GET /auth/passkeys': () => json({ passkeys: list }),
      'POST /auth/passkeys/register/options': () => json(creationOptions),
      'POST /auth/passkeys/register': () => {
        list = [{ ...laptop, id: 'pk-2', name: 'My phone' }]
        return json({ passkey: list[0], recovery_codes: codes }, 201)
      },
    })
    const actor = renderSection()
    expect(await screen.findByText('No passkeys yet.')).toBeTruthy()
    const name = screen.getByLabelText('Name for the new passkey') as HTMLInputElement
    await actor.clear(name)
    await actor.type(name, 'My phone')
    await actor.click(screen.getByRole('button', { name: 'Add a passkey' }))

    expect(await screen.findByText('code-0-abcd')).toBeTruthy()
    const asked = create.mock.calls[0] as unknown as [{ publicKey: { challenge: ArrayBuffer; rp: { id: string } } }]
    expect(new TextDecoder().decode(asked[0].publicKey.challenge)).toBe('challenge')
    expect(asked[0].publicKey.rp.id).toBe('localhost')
    const [, init] = callsTo('POST', '/auth/passkeys/register')[0] ?? []
    const sent = sentBody(init) as { name: string; credential: { id: string; response: { attestationObject: string; transports: string[] } } }
    expect(sent.name).toBe('My phone')
    expect(sent.credential.id).toBe('bmV3LWNyZWQ')
    expect(sent.credential.response.attestationObject).toBe(Buffer.from('attestation').toString('base64url'))
    expect(sent.credential.response.transports).toEqual(['internal'])
  })

  it('a closed prompt is said calmly and registers nothing', async () => {
    withPasskeys(async () => {
      throw new DOMException('The operation either timed out or was not allowed.', 'NotAllowedError')
    })
    const { calls } = stubFetch({
      'GET /auth/passkeys': () => json({ passkeys: [laptop] }),
      'POST /auth/passkeys/register/options': () => json(creationOptions),
    })
    const actor = renderSection()
    await screen.findByText('Work laptop')
    await actor.click(screen.getByRole('button', { name: 'Add a passkey' }))
    expect(await screen.findByText(/passkey prompt was closed or timed out/)).toBeTruthy()
    expect(screen.queryByRole('alert')).toBeNull()
    expect(calls).not.toContain('POST /auth/passkeys/register')
  })

  it('lists, renames and, after a confirmation, removes a passkey', async () => {
    withPasskeys(async () => created)
    let list: Passkey[] = [laptop]
    const { calls, callsTo } = stubFetch({
      'GET /auth/passkeys': () => json({ passkeys: list }),
      'PATCH /auth/passkeys/pk-1': (init) => {
        list = [{ ...laptop, name: (sentBody(init) as { name: string }).name }]
        return json(list[0])
      },
      'DELETE /auth/passkeys/pk-1': () => {
        list = []
        return noContent()
      },
    })
    const actor = renderSection()
    const item = await screen.findByRole('listitem')
    expect(within(item).getByText('Work laptop')).toBeTruthy()
    expect(within(item).getByText('Synced')).toBeTruthy()
    expect(item.textContent).toContain('not used yet')

    await actor.click(screen.getByRole('button', { name: 'Rename Work laptop' }))
    const field = screen.getByLabelText('Name') as HTMLInputElement
    await actor.clear(field)
    await actor.click(screen.getByRole('button', { name: 'Save' }))
    expect(screen.getByText('Name is required.')).toBeTruthy()
    await actor.type(field, 'Old laptop')
    await actor.click(screen.getByRole('button', { name: 'Save' }))
    expect(await screen.findByText('Old laptop')).toBeTruthy()
    expect(sentBody(callsTo('PATCH', '/auth/passkeys/pk-1')[0]?.[1])).toEqual({ name: 'Old laptop' })

    await actor.click(screen.getByRole('button', { name: 'Remove Old laptop' }))
    expect(calls).not.toContain('DELETE /auth/passkeys/pk-1')
    await actor.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove passkey' }))
    await waitFor(() => expect(screen.getByText('No passkeys yet.')).toBeTruthy())
    expect(screen.getByText('Passkey “Old laptop” removed.')).toBeTruthy()
  })
})
