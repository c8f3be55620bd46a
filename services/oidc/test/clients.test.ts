// Relying parties registered with pnpm create-oidc-client (run as its own process, as an operator would) and used through
// openid-client against the listening provider: the secret printed once and stored hashed, a confidential client
// authenticating with it and refused with another, a public client's authorization request needing PKCE, a client disabled
// (as the admin console does) unknown to the provider with its sign-ins ended and known again once enabled, a new secret
// working at once and the old one refused, and the command's refusals, on both databases.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import * as oidc from 'openid-client'
import { freePort } from '@portcullis/shared/net/free-port'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { inheritedPath } from '@portcullis/testkit/settings'
import { hashClientSecret } from '@portcullis/shared/oidc/client-secret'
import { newOidcClientSecret, updateOidcClient } from '@portcullis/shared/oidc/clients'
import { newId } from '@portcullis/shared/ids'
import { buildOidcApp } from '../src/app.ts'
import { ClientAdapter } from '../src/clients/client-adapter.ts'
import { loadOidcConfig } from '../src/config.ts'

const command = fileURLToPath(new URL('../src/commands/create-oidc-client.ts', import.meta.url))

function createOidcClient(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [command, ...args], {
    env: { ...inheritedPath(), LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  })
  const printed = (name: string) => result.stdout.match(new RegExp(`^${name}=(.+)$`, 'm'))?.[1]
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, clientId: printed('CLIENT_ID'), clientSecret: printed('CLIENT_SECRET') }
}

/** The OAuth error a refused call got: in the body (error) or, on a 401, in its WWW-Authenticate challenge. */
async function refusal(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call
    return undefined
  } catch (error) {
    const failed = error as { error?: string; status?: number; cause?: Array<{ parameters?: { error?: string } }> }
    return failed.error ?? (Array.isArray(failed.cause) ? failed.cause[0]?.parameters?.error : undefined) ?? String(error)
  }
}

for (const kind of testDatabaseKinds()) {
  t.test(`OpenID Connect clients on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const db = database.handle.db
    const port = await freePort()
    const issuer = `http://127.0.0.1:${port}`
    const env = { ...database.env, PUBLIC_URL: issuer }
    const app = await buildOidcApp({ config: loadOidcConfig({ LOG_LEVEL: 'silent', ...env }), database: database.handle })
    t.teardown(() => app.close())
    await app.listen({ port, host: '127.0.0.1' })
    const insecure = { execute: [oidc.allowInsecureRequests] }

    const confidential = createOidcClient(
      ['--name', 'Wiki', '--redirect-uri', 'https://wiki.example/callback', '--redirect-uri', 'http://localhost:3000/cb'],
      env,
    )
    t.equal(confidential.status, 0, confidential.stderr)
    t.ok(confidential.clientId)
    t.match(confidential.clientSecret, /^[A-Za-z0-9_-]{43}$/, 'a 256-bit secret, printed once')
    const stored = await db
      .selectFrom('oidc_clients')
      .selectAll()
      .where('id', '=', confidential.clientId as string)
      .executeTakeFirstOrThrow()
    t.equal(stored.secret_hash, hashClientSecret(confidential.clientSecret as string), 'stored as its SHA-256')
    t.notOk(JSON.stringify(stored).includes(confidential.clientSecret as string), 'the secret itself is not stored')
    t.same(JSON.parse(stored.redirect_uris), ['https://wiki.example/callback', 'http://localhost:3000/cb'])
    t.equal(stored.public, 0)
    t.equal(stored.first_party, 0)
    const events = await db.selectFrom('audit_events').selectAll().where('type', '=', 'oidc_client_created').execute()
    t.equal(events.length, 1, 'an audit event for the new client')
    t.equal(events[0]?.actor_id, 'cli')
    t.match(JSON.parse(events[0]?.detail ?? '{}'), { client_id: confidential.clientId, name: 'Wiki', public: false, first_party: false })
    t.notOk(events[0]?.detail?.includes(confidential.clientSecret as string), 'never the secret')

    t.test('a confidential client authenticates with its secret (introspection), and not with another', async (t) => {
      const rp = await oidc.discovery(
        new URL(issuer),
        confidential.clientId as string,
        undefined,
        oidc.ClientSecretBasic(confidential.clientSecret as string),
        insecure,
      )
      const answer = await oidc.tokenIntrospection(rp, 'not-a-token')
      t.equal(answer.active, false, 'authenticated: the unknown token is said inactive')
      const wrong = await oidc.discovery(new URL(issuer), confidential.clientId as string, undefined, oidc.ClientSecretBasic('x'.repeat(43)), insecure)
      t.equal(await refusal(oidc.tokenIntrospection(wrong, 'not-a-token')), 'invalid_client', 'another secret is refused')
      const hashAsSecret = await oidc.discovery(
        new URL(issuer),
        confidential.clientId as string,
        undefined,
        oidc.ClientSecretBasic(stored.secret_hash as string),
        insecure,
      )
      t.equal(await refusal(oidc.tokenIntrospection(hashAsSecret, 'not-a-token')), 'invalid_client', 'the stored hash is no secret')
    })

    const publicClient = createOidcClient(['--name', 'SPA', '--redirect-uri', 'http://localhost:5173/cb', '--public', '--first-party'], env)
    t.equal(publicClient.status, 0, publicClient.stderr)
    t.ok(publicClient.clientId)
    t.equal(publicClient.clientSecret, undefined, 'a public client has no secret')
    t.notOk(publicClient.stdout.includes('CLIENT_SECRET'))

    t.test("a public client's authorization request: on to the login interaction with S256 PKCE, refused without", async (t) => {
      const row = await db
        .selectFrom('oidc_clients')
        .selectAll()
        .where('id', '=', publicClient.clientId as string)
        .executeTakeFirstOrThrow()
      t.equal(row.secret_hash, null)
      t.equal(row.public, 1)
      t.equal(row.first_party, 1)
      const rp = await oidc.discovery(new URL(issuer), publicClient.clientId as string, undefined, oidc.None(), insecure)
      const verifier = oidc.randomPKCECodeVerifier()
      const withPkce = oidc.buildAuthorizationUrl(rp, {
        redirect_uri: 'http://localhost:5173/cb',
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      })
      const started = await fetch(withPkce, { redirect: 'manual' })
      t.equal(started.status, 303)
      t.match(started.headers.get('location'), /\/interaction\//, 'sent to sign in')
      const withoutPkce = oidc.buildAuthorizationUrl(rp, { redirect_uri: 'http://localhost:5173/cb', scope: 'openid' })
      const refused = await fetch(withoutPkce, { redirect: 'manual' })
      const back = new URL(refused.headers.get('location') ?? '')
      t.equal(`${back.origin}${back.pathname}`, 'http://localhost:5173/cb')
      t.equal(back.searchParams.get('error'), 'invalid_request')
      t.match(back.searchParams.get('error_description'), /PKCE/)
      const plain = oidc.buildAuthorizationUrl(rp, {
        redirect_uri: 'http://localhost:5173/cb',
        scope: 'openid',
        code_challenge: verifier,
        code_challenge_method: 'plain',
      })
      const plainRefused = new URL((await fetch(plain, { redirect: 'manual' })).headers.get('location') ?? '')
      t.equal(plainRefused.searchParams.get('error'), 'invalid_request', 'the plain method is refused: S256 only')
      const otherRedirect = oidc.buildAuthorizationUrl(rp, {
        redirect_uri: 'http://evil.example/cb',
        scope: 'openid',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      })
      const unregistered = await fetch(otherRedirect, { redirect: 'manual' })
      t.equal(unregistered.status, 400, 'an unregistered redirect_uri is never redirected to')
    })

    /** A token request with a code the provider never issued: a known client is told invalid_grant, an unknown one invalid_client. */
    async function tokenRequest(clientId: string, clientSecret: string): Promise<string | undefined> {
      const discovered = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint: string }
      const answer = await fetch(discovered.token_endpoint, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: 'never-issued',
          redirect_uri: 'https://wiki.example/callback',
          code_verifier: oidc.randomPKCECodeVerifier(),
        }),
      })
      return ((await answer.json()) as { error?: string }).error
    }

    const admin = { actorId: 'u-admin', ip: '127.0.0.1', userAgent: 'test' }

    t.test('a disabled client is unknown to the provider, its sign-ins end, and it is known again once enabled', async (t) => {
      const clientId = confidential.clientId as string
      const secret = confidential.clientSecret as string
      t.equal(await tokenRequest(clientId, secret), 'invalid_grant', 'while enabled, only the made-up code is refused')
      const userId = newId()
      await db
        .insertInto('users')
        .values({
          id: userId,
          username: 'rp-user',
          email: null,
          display_name: null,
          password_hash: 'not-a-hash',
          role: 'user',
          status: 'active',
          created_at: Date.now(),
          updated_at: Date.now(),
          last_login_at: null,
          password_changed_at: Date.now(),
        })
        .execute()
      const grant = { model: 'Grant', id: 'grant-1', payload: '{}', grant_id: null, user_code: null, uid: null, expires_at: null, consumed_at: null }
      const token = { ...grant, model: 'RefreshToken', id: 'refresh-1', grant_id: 'grant-1' }
      await db.insertInto('oidc_payloads').values([grant, token]).execute()
      await db
        .insertInto('oidc_sign_ins')
        .values({ grant_id: 'grant-1', user_id: userId, client_id: clientId, session_id: newId(), created_at: Date.now(), last_used_at: Date.now() })
        .execute()

      const disabled = await updateOidcClient(db, clientId, { disabled: true }, admin, Date.now())
      t.ok(disabled?.disabled_at, 'disabled')
      t.equal(await new ClientAdapter(db).find(clientId), undefined, 'the provider no longer finds it')
      t.equal(await tokenRequest(clientId, secret), 'invalid_client', 'its token requests are refused')
      const rp = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(secret), insecure)
      t.equal(await refusal(oidc.tokenIntrospection(rp, 'not-a-token')), 'invalid_client', 'and its introspection')
      t.same(await db.selectFrom('oidc_sign_ins').select('grant_id').where('client_id', '=', clientId).execute(), [], 'its sign-ins ended')
      t.same(await db.selectFrom('oidc_payloads').select('id').where('id', 'in', ['grant-1', 'refresh-1']).execute(), [], 'with their grant and tokens')

      await updateOidcClient(db, clientId, { disabled: false }, admin, Date.now())
      t.ok(await new ClientAdapter(db).find(clientId), 'enabled: found again')
      t.equal(await tokenRequest(clientId, secret), 'invalid_grant', 'and authenticated again')
    })

    t.test('a new secret works at once, and the old one is refused', async (t) => {
      const clientId = confidential.clientId as string
      const renewed = await newOidcClientSecret(db, clientId, admin, Date.now())
      t.match(renewed?.clientSecret, /^[A-Za-z0-9_-]{43}$/)
      t.not(renewed?.clientSecret, confidential.clientSecret)
      t.equal(await tokenRequest(clientId, confidential.clientSecret as string), 'invalid_client', 'the old secret is refused')
      t.equal(await tokenRequest(clientId, renewed?.clientSecret as string), 'invalid_grant', 'the new one authenticates')
    })

    t.test("the command's refusals", async (t) => {
      const refusals: Array<[string[], RegExp]> = [
        [['--name', 'NoUri'], /at least one --redirect-uri/],
        [['--name', 'Relative', '--redirect-uri', '/callback'], /not an absolute URI/],
        [['--name', 'Ftp', '--redirect-uri', 'ftp://files.example/cb'], /not http\(s\)/],
        [['--name', 'Fragment', '--redirect-uri', 'https://app.example/cb#x'], /fragment/],
        [['--name', 'Spaced', '--redirect-uri', 'https://app.example/c b'], /--redirect-uri "https:\/\/app.example\/c b" has spaces/],
        [['--name', '.Dot', '--redirect-uri', 'https://app.example/cb'], /--name must be 1 to 64 letters/],
        [['--redirect-uri', 'https://app.example/cb'], /--name is needed/],
        [['--name', 'Wiki', '--redirect-uri', 'https://other.example/cb'], /named "Wiki" already exists/],
        [['--name', 'Typo', '--redirect-url', 'https://app.example/cb'], /redirect-url/],
      ]
      for (const [args, message] of refusals) {
        const result = createOidcClient(args, env)
        t.equal(result.status, 2, `${args.join(' ')}: exit 2`)
        t.match(result.stderr, message, args.join(' '))
        t.notOk(result.stdout.includes('CLIENT_ID='), 'nothing created')
      }
      const count = await db
        .selectFrom('oidc_clients')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      t.equal(Number(count.n), 2, 'only the two clients made above')
      const events = await db.selectFrom('audit_events').select('id').where('type', '=', 'oidc_client_created').execute()
      t.equal(events.length, 2, 'and no audit event for a refusal')
    })
  })
}
