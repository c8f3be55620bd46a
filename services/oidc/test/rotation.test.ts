// Key rotation reaches the provider without a restart: after pnpm rotate-keys' rotation the new kid is published next to the
// retired one within a reload, the retired one leaves once its tokens can have expired, and what the provider keeps in the
// database (its clients) still works on the rebuilt provider, on both databases.
import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import * as oidc from 'openid-client'
import { keyWrapping } from '@portcullis/shared/keys/private-key-wrapping'
import { rotateSigningKeys } from '@portcullis/shared/keys/store'
import { freePort } from '@portcullis/shared/net/free-port'
import { COMMAND_LINE_ACTOR } from '@portcullis/shared/audit/parties'
import { registerOidcClient } from '@portcullis/shared/oidc/clients'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { buildOidcApp } from '../src/app.ts'
import { loadOidcConfig } from '../src/config.ts'

async function publishedKids(jwksUri: string): Promise<string[]> {
  const jwks = (await (await fetch(jwksUri)).json()) as { keys: Array<{ kid: string }> }
  return jwks.keys.map((key) => key.kid)
}

async function eventually(t: Test, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000
  while (!(await check())) {
    if (Date.now() > deadline) {
      t.fail(what)
      return
    }
    await sleep(50)
  }
  t.pass(what)
}

for (const kind of testDatabaseKinds()) {
  t.test(`key rotation reaches the provider on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const db = database.handle.db
    let clock = Date.now()
    const port = await freePort()
    const issuer = `http://127.0.0.1:${port}`
    const config = loadOidcConfig({ LOG_LEVEL: 'silent', ...database.env, PUBLIC_URL: issuer, ACCESS_TOKEN_TTL: '600' })
    const app = await buildOidcApp({ config, database: database.handle, now: () => clock, keysReloadIntervalMs: 100 })
    t.teardown(() => app.close())
    await app.listen({ port, host: '127.0.0.1' })
    const jwksUri = `${issuer}/oidc/jwks`
    const [first, ...others] = await publishedKids(jwksUri)
    t.ok(first)
    t.same(others, [])

    const client = await registerOidcClient(
      db,
      { name: 'Wiki', redirectUris: ['https://wiki.example/cb'], public: false, firstParty: false },
      { actorId: COMMAND_LINE_ACTOR },
      clock,
    )
    const { kid: second } = await rotateSigningKeys(db, config.signingAlgorithm, clock, keyWrapping(config))
    await eventually(t, 'the new kid is published, the retired one still', async () => {
      const kids = await publishedKids(jwksUri)
      return kids.length === 2 && kids[0] === second && kids[1] === first
    })

    const rp = await oidc.discovery(new URL(issuer), client.clientId, undefined, oidc.ClientSecretBasic(client.clientSecret as string), {
      execute: [oidc.allowInsecureRequests],
    })
    t.equal((await oidc.tokenIntrospection(rp, 'not-a-token')).active, false, 'a client still authenticates with the rebuilt provider')

    clock += (600 + 61) * 1000
    await eventually(t, 'the retired kid leaves once its tokens can have expired', async () => {
      const kids = await publishedKids(jwksUri)
      return kids.length === 1 && kids[0] === second
    })
  })
}
