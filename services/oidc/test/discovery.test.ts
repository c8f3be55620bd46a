// The provider as a relying party finds it (openid-client): discovery through a real listening server, issuer PUBLIC_URL,
// the endpoints under /oidc/, and a JWKS that is the key ring's (the same kids, public halves only) and verifies what the
// ring signs, on both databases, with plain and wrapped private keys and both algorithms.
import { randomBytes } from 'node:crypto'
import t from 'tap'
import * as oidc from 'openid-client'
import { createRemoteJWKSet, importPKCS8, jwtVerify, SignJWT } from 'jose'
import { freePort } from '@portcullis/shared/net/free-port'
import { unwrapPrivateKey } from '@portcullis/shared/keys/private-key-wrapping'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { buildOidcApp } from '../src/app.ts'
import { loadOidcConfig } from '../src/config.ts'

const cases = [
  ...testDatabaseKinds().map((kind) => ({ kind, env: { SIGNING_ALG: 'EdDSA' } as Record<string, string> })),
  { kind: 'sqlite' as const, env: { SIGNING_ALG: 'ES256', KEY_ENCRYPTION_KEY: randomBytes(32).toString('hex') } },
]

for (const { kind, env } of cases) {
  t.test(`discovery and JWKS on ${kind}, ${env.SIGNING_ALG}${env.KEY_ENCRYPTION_KEY ? ', keys wrapped' : ''}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const port = await freePort()
    const issuer = `http://127.0.0.1:${port}`
    const config = loadOidcConfig({ LOG_LEVEL: 'silent', ...database.env, ...env, PUBLIC_URL: issuer, PORT: String(port), HOST: '127.0.0.1' })
    const app = await buildOidcApp({ config, database: database.handle })
    t.teardown(() => app.close())
    await app.listen({ port, host: '127.0.0.1' })

    const found = await oidc.discovery(new URL(issuer), 'not-registered', undefined, undefined, { execute: [oidc.allowInsecureRequests] })
    const metadata = found.serverMetadata()
    t.equal(metadata.issuer, issuer, 'issuer is PUBLIC_URL')
    t.equal(metadata.authorization_endpoint, `${issuer}/oidc/auth`)
    t.equal(metadata.token_endpoint, `${issuer}/oidc/token`)
    t.equal(metadata.userinfo_endpoint, `${issuer}/oidc/me`)
    t.equal(metadata.jwks_uri, `${issuer}/oidc/jwks`)
    t.equal(metadata.end_session_endpoint, `${issuer}/oidc/session/end`)
    t.equal(metadata.revocation_endpoint, `${issuer}/oidc/token/revocation`)
    t.equal(metadata.introspection_endpoint, `${issuer}/oidc/token/introspection`)
    t.ok(metadata.code_challenge_methods_supported?.includes('S256'))
    t.ok(metadata.id_token_signing_alg_values_supported?.includes(env.SIGNING_ALG as string))

    // The endpoints are the issuer's whatever host the request names.
    const spoofed = await app.inject({
      method: 'GET',
      url: '/.well-known/openid-configuration',
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    })
    t.equal(spoofed.json<{ token_endpoint: string }>().token_endpoint, `${issuer}/oidc/token`, 'a Host or X-Forwarded-Host of another origin changes nothing')

    const rows = await database.handle.db.selectFrom('signing_keys').selectAll().execute()
    t.ok(rows.length > 0, 'the ring made its first key')
    const answer = await fetch(metadata.jwks_uri as string)
    t.equal(answer.status, 200)
    const jwks = (await answer.json()) as { keys: Array<Record<string, unknown>> }
    t.same(jwks.keys.map((key) => key.kid).sort(), rows.map((row) => row.kid).sort(), "the JWKS's kids are the key ring's")
    for (const key of jwks.keys) {
      const published = JSON.parse(rows.find((row) => row.kid === key.kid)?.public_jwk ?? '{}') as Record<string, unknown>
      t.equal(key.x, published.x, `${key.kid}: the ring's public key`)
      t.equal(key.alg, env.SIGNING_ALG)
      t.notOk('d' in key, `${key.kid}: no private part published`)
    }

    // A token the ring signs (as auth signs its access tokens) verifies against the provider's JWKS.
    const row = rows[0]
    if (!row) throw new Error('no key')
    const wrapping = { current: config.keyEncryptionKey, previous: config.previousKeyEncryptionKeys }
    if (env.KEY_ENCRYPTION_KEY) t.notOk(row.private_pem.startsWith('-----'), 'the private key is wrapped at rest')
    const privateKey = await importPKCS8(unwrapPrivateKey(row.private_pem, row.kid, wrapping), row.alg)
    const token = await new SignJWT({ sub: 'user-1' })
      .setProtectedHeader({ alg: row.alg, kid: row.kid })
      .setIssuer(issuer)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(privateKey)
    const verified = await jwtVerify(token, createRemoteJWKSet(new URL(metadata.jwks_uri as string)), { issuer })
    t.equal(verified.payload.sub, 'user-1')
    t.equal(verified.protectedHeader.kid, row.kid)
  })
}
