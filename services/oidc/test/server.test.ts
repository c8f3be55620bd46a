// The provider as a real process: ready on its management port, discovery with PUBLIC_URL as the issuer over HTTP, draining
// on SIGTERM; a bad setting is a configuration error (exit 2) said in one line, on both databases.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { freePort } from '@portcullis/shared/net/free-port'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { startService } from '@portcullis/testkit/processes'
import { inheritedPath } from '@portcullis/testkit/settings'

const server = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/server.ts')

for (const kind of testDatabaseKinds()) {
  t.test(`oidc process on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const port = await freePort()
    const issuer = `http://127.0.0.1:${port}`
    const oidc = await startService(server, { LOG_LEVEL: 'silent', ...database.env, PORT: String(port), PUBLIC_URL: issuer })
    t.teardown(() => oidc.stop('SIGKILL'))
    const readyz = await fetch(`${oidc.managementUrl}/readyz`)
    t.equal(readyz.status, 200)
    t.match(await readyz.json(), { status: 'ready', service: 'oidc', checks: { database: 'ok' } })
    const discovery = await fetch(`${oidc.url}/.well-known/openid-configuration`, { headers: { 'x-request-id': 'oidc-proc-1' } })
    t.equal(discovery.status, 200)
    t.equal(discovery.headers.get('x-request-id'), 'oidc-proc-1')
    t.match(await discovery.json(), { issuer, jwks_uri: `${issuer}/oidc/jwks` })
    t.equal(await oidc.stop('SIGTERM'), 0, 'drains and exits 0 on SIGTERM')
  })
}

t.test('a bad setting is a configuration error, exit 2', async (t) => {
  const result = spawnSync(process.execPath, [server], { env: { ...inheritedPath(), SIGNING_ALG: 'RS256' }, encoding: 'utf8', timeout: 30_000 })
  t.equal(result.status, 2)
  t.match(result.stderr, /^oidc: configuration error: .*SIGNING_ALG/m)
})
