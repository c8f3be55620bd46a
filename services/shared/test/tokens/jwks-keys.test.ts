// The JWKS key source every verifying process uses: keys by kid and alg, one more fetch for an unknown kid at most once per
// cooldown, a failed refresh keeping the keys it had, and readiness only once keys are there.
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { createJwksKeySource, keysLoaded } from '../../src/tokens/jwks-keys.ts'

function key(kid: string): { kid: string; publicKey: KeyObject; jwk: Record<string, unknown> } {
  const { publicKey } = generateKeyPairSync('ed25519')
  return { kid, publicKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig' } }
}

/** A JWKS endpoint whose keys and health the test changes, counting the fetches it answers. */
async function jwksServer(t: Test) {
  const state = { keys: [] as Array<Record<string, unknown>>, up: true, fetches: 0 }
  const server: Server = createServer((_request, response) => {
    state.fetches++
    if (!state.up) {
      response.statusCode = 503
      return response.end()
    }
    response.setHeader('content-type', 'application/json')
    response.end(JSON.stringify({ keys: state.keys }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  return { state, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/.well-known/jwks.json` }
}

t.test('a known key by kid and alg, as PEM; an unknown one is undefined', async (t) => {
  const { state, url } = await jwksServer(t)
  const first = key('k1')
  state.keys = [first.jwk]
  const source = createJwksKeySource({ url, unknownKidCooldownMs: 200 })
  t.teardown(() => source.stop())
  t.notOk(source.isLoaded(), 'nothing before the first fetch')
  await source.refresh()
  t.ok(source.isLoaded())
  t.equal(await source.publicKeyPem({ kid: 'k1', alg: 'EdDSA' }), first.publicKey.export({ type: 'spki', format: 'pem' }).toString())
  t.equal(await source.publicKeyPem({ kid: 'k1', alg: 'ES256' }), undefined, 'the kid with another algorithm is not the key')
  t.equal(await source.publicKeyPem({ kid: 'nope', alg: 'EdDSA' }), undefined)
})

t.test('an unknown kid is fetched again at most once per cooldown, so a new signing key is found', async (t) => {
  const { state, url } = await jwksServer(t)
  state.keys = [key('k1').jwk]
  const source = createJwksKeySource({ url, unknownKidCooldownMs: 300 })
  t.teardown(() => source.stop())
  await source.refresh()
  const fetched = state.fetches
  for (let i = 0; i < 20; i++) await source.publicKeyPem({ kid: `junk-${i}`, alg: 'EdDSA' })
  t.equal(state.fetches, fetched, 'junk kids within the cooldown cost auth nothing')
  const rotated = key('k2')
  state.keys = [...state.keys, rotated.jwk]
  await sleep(350)
  t.ok(await source.publicKeyPem({ kid: 'k2', alg: 'EdDSA' }), 'after the cooldown, a new kid is fetched')
  t.equal(state.fetches, fetched + 1, 'once')
})

t.test('a refresh that fails keeps the keys it had; readiness asks again until keys are there', async (t) => {
  const { state, url } = await jwksServer(t)
  state.up = false
  const source = createJwksKeySource({ url })
  t.teardown(() => source.stop())
  const ready = keysLoaded(source)
  await t.rejects(ready(), { name: 'KeysNotLoaded' }, 'not ready while auth does not answer')
  state.up = true
  state.keys = [key('k1').jwk]
  await t.resolves(ready(), 'ready once it does')
  state.up = false
  await t.rejects(source.refresh(), 'the refresh itself fails')
  t.ok(await source.publicKeyPem({ kid: 'k1', alg: 'EdDSA' }), 'and the known key still verifies')
  t.ok(source.isLoaded())
})
