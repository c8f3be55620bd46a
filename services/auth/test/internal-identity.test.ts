// POST /internal/identity on both databases: the scope identity:issue, a JWT for one app signed as access tokens are (it
// verifies from the JWKS with aud = the app) that no service takes as an access token; 404 for a session that is not a live
// one of that active user, 422 for a reserved or malformed audience. The shared AuthClient's identityFor against a real
// auth server, and the stack's gateway client re-created when its saved scopes lack identity:issue.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { AuthCallFailed, createAuthClient, SessionNotLive } from '@portcullis/shared/internal/auth-client'
import { claimsAreOurs } from '@portcullis/shared/tokens/verify'
import { bearer } from '@portcullis/testkit/auth-app'
import { startTestAuthServer } from '@portcullis/testkit/auth-server'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { createServiceClient, keepOrCreateStackClients } from '../src/clients/service-clients.ts'

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const IDENTITY_CLAIMS = ['aud', 'exp', 'iat', 'iss', 'jti', 'preferred_username', 'role', 'sid', 'sub', 'token_use']

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
}

async function serviceToken(app: FastifyInstance, clientId: string, clientSecret: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/internal/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
  })
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
  return res.json().access_token as string
}

for (const kind of testDatabaseKinds()) {
  t.test(`POST /internal/identity on ${kind}`, async (t) => {
    const auth = await startTestAuthServer(t, kind)
    const { app, config, clock } = auth
    const db = auth.database.handle.db
    const issuer = await createServiceClient(db, 'gateway', ['revocations:read', 'identity:issue'], Date.now())
    const feedOnly = await createServiceClient(db, 'feed-reader', ['revocations:read'], Date.now())
    const token = await serviceToken(app, issuer.clientId, issuer.clientSecret)
    const jwks = createLocalJWKSet((await app.inject({ method: 'GET', url: '/auth/.well-known/jwks.json' })).json())

    const identity = (body: Record<string, unknown>, as: string | null = token) =>
      app.inject({ method: 'POST', url: '/internal/identity', headers: as === null ? {} : bearer(as), payload: body })
    const ask = (userId: string, sessionId: string, audience = 'hello-app') => identity({ user_id: userId, session_id: sessionId, audience })

    const ada = await auth.userSession('ada')
    const adaSid = String(claimsOf(ada.access_token).sid)

    t.test('the scope identity:issue is required', async (t) => {
      const body = { user_id: ada.user.id, session_id: adaSid, audience: 'hello-app' }
      const none = await identity(body, null)
      t.equal(none.statusCode, 401, 'no token: 401')
      t.equal(none.json().code, 'unauthenticated')
      const withoutScope = await identity(body, await serviceToken(app, feedOnly.clientId, feedOnly.clientSecret))
      t.equal(withoutScope.statusCode, 403, 'a service token without the scope: 403')
      t.equal(withoutScope.json().code, 'forbidden')
      const userToken = await identity(body, ada.access_token)
      t.equal(userToken.statusCode, 401, "a user's access token is no service token")
      t.equal(userToken.json().code, 'invalid_token')
    })

    t.test("a live session gets a 60 s token for the app, signed as access tokens are, with the user's current role", async (t) => {
      const res = await ask(ada.user.id, adaSid)
      t.equal(res.statusCode, 200)
      t.equal(res.headers['cache-control'], 'no-store')
      const body = res.json()
      t.same(Object.keys(body).sort(), ['expires_in', 'role', 'token', 'username'])
      t.match(body, { username: 'ada', role: 'user', expires_in: 60 })

      const { payload, protectedHeader } = await jwtVerify(body.token, jwks, { issuer: config.tokenIssuer, audience: 'hello-app' })
      t.same(protectedHeader, decodeProtectedHeader(ada.access_token), 'the same kid and alg as an access token')
      t.same(Object.keys(payload).sort(), IDENTITY_CLAIMS, 'these claims and no others')
      t.equal(payload.aud, 'hello-app', 'aud is the app, one string')
      t.equal(payload.iss, config.tokenIssuer)
      t.equal(payload.sub, ada.user.id)
      t.equal(payload.sid, adaSid)
      t.equal(payload.role, 'user')
      t.equal(payload.preferred_username, 'ada')
      t.equal(payload.token_use, 'identity')
      t.equal(Number(payload.exp) - Number(payload.iat), 60)
      t.ok(Math.abs(Number(payload.iat) - Date.now() / 1000) < 5, 'issued now')
      t.match(payload.jti, UUID_V7)
      t.not((await ask(ada.user.id, adaSid)).json().token, body.token, 'each answer is a new token')

      await db.updateTable('users').set({ role: 'admin' }).where('id', '=', ada.user.id).execute()
      const promoted = await ask(ada.user.id, adaSid, 'wiki')
      t.equal(promoted.json().role, 'admin', 'the role is the one the user has now')
      t.equal(claimsOf(promoted.json().token).role, 'admin')
      t.equal(claimsOf(promoted.json().token).aud, 'wiki')
      await db.updateTable('users').set({ role: 'user' }).where('id', '=', ada.user.id).execute()
    })

    t.test('it never passes as an access token', async (t) => {
      const { token: identityToken } = (await ask(ada.user.id, adaSid)).json()
      await t.rejects(jwtVerify(identityToken, jwks, { issuer: config.tokenIssuer, audience: config.tokenAudience }), 'not for our audience')
      t.equal(claimsAreOurs(claimsOf(identityToken), config.tokenAudience, config.accessTokenTtl), false, "the shared verifier's audience rule refuses it")
      const asBearer = await app.inject({ method: 'GET', url: '/auth/mfa', headers: bearer(identityToken) })
      t.equal(asBearer.statusCode, 401, 'auth refuses it as a bearer token')
      t.equal(asBearer.json().code, 'invalid_token')
      const asService = await app.inject({ method: 'GET', url: '/internal/revocations', headers: bearer(identityToken) })
      t.equal(asService.statusCode, 401, 'and as a service token')
    })

    t.test('a revoked or idle session, another user’s session, a disabled user, an unknown session: 404', async (t) => {
      const bo = await auth.userSession('bob')
      const boSid = String(claimsOf(bo.access_token).sid)
      const cleo = await auth.userSession('cleo')
      const cleoSid = String(claimsOf(cleo.access_token).sid)
      const dan = await auth.userSession('dan')
      const danSid = String(claimsOf(dan.access_token).sid)

      const notFound = async (userId: string, sessionId: string, what: string) => {
        const res = await ask(userId, sessionId)
        t.equal(res.statusCode, 404, `${what}: 404`)
        t.equal(res.json().code, 'not_found', `${what}: not_found`)
        t.equal(res.json().token, undefined, `${what}: no token`)
      }

      t.equal((await ask(bo.user.id, boSid)).statusCode, 200, 'live first')
      t.equal((await app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: bo.refresh_token } })).statusCode, 204)
      await notFound(bo.user.id, boSid, 'a signed-out session')
      await notFound(ada.user.id, cleoSid, "another user's session")
      await notFound(cleo.user.id, adaSid, "another user's session, the other way")
      await db.updateTable('users').set({ status: 'disabled' }).where('id', '=', cleo.user.id).execute()
      await notFound(cleo.user.id, cleoSid, 'a disabled user')
      await notFound(ada.user.id, '01900000-0000-7000-8000-000000000000', 'an unknown session')

      t.equal((await ask(dan.user.id, danSid)).statusCode, 200)
      clock.advance((config.refreshIdleTtl + 1) * 1000)
      await notFound(dan.user.id, danSid, 'a session idle past REFRESH_IDLE_TTL')
    })

    t.test('an audience that is reserved or no app name: 422', async (t) => {
      const eve = await auth.userSession('eve')
      const eveSid = String(claimsOf(eve.access_token).sid)
      const invalid = async (body: Record<string, unknown>, what: string) => {
        const res = await identity(body)
        t.equal(res.statusCode, 422, `${what}: 422`)
        t.equal(res.json().code, 'validation_failed', `${what}: validation_failed`)
        return res
      }
      const base = { user_id: eve.user.id, session_id: eveSid }
      const reserved = await invalid({ ...base, audience: config.tokenAudience }, 'TOKEN_AUDIENCE')
      t.match(reserved.json().errors, [{ field: 'audience', code: 'reserved' }])
      await invalid({ ...base, audience: `${config.tokenAudience}:internal` }, 'the internal audience')
      await invalid({ ...base, audience: 'notes:internal' }, 'an :internal audience')
      await invalid({ ...base, audience: 'Hello' }, 'capitals')
      await invalid({ ...base, audience: '9lives' }, 'a leading digit')
      await invalid({ ...base, audience: '' }, 'empty')
      await invalid({ ...base, audience: `a${'b'.repeat(63)}` }, '64 characters')
      await invalid({ ...base, audience: ['hello-app'] }, 'a list')
      await invalid(base, 'no audience')
      await invalid({ ...base, audience: 'hello-app', extra: 1 }, 'an unknown field')
      await invalid({ user_id: eve.user.id, audience: 'hello-app' }, 'no session')
      t.equal((await identity({ ...base, audience: `a${'b'.repeat(62)}` })).statusCode, 200, '63 characters is an app name')
    })

    t.test("the AuthClient's identityFor against the real server", async (t) => {
      const client = createAuthClient({ authUrl: auth.url, ...(await auth.serviceClient('gateway')) })
      const fay = await auth.userSession('fay')
      const faySid = String(claimsOf(fay.access_token).sid)
      const answer = await client.identityFor({ userId: fay.user.id, sessionId: faySid, audience: 'hello-app' })
      t.match(answer, { username: 'fay', role: 'user', expiresIn: 60 })
      t.same(Object.keys(answer).sort(), ['expiresIn', 'role', 'token', 'username'])
      const { payload } = await jwtVerify(answer.token, jwks, { issuer: config.tokenIssuer, audience: 'hello-app' })
      t.equal(payload.sid, faySid)

      const other = await auth.userSession('gus')
      const refused = client.identityFor({ userId: other.user.id, sessionId: faySid, audience: 'hello-app' })
      await t.rejects(refused, SessionNotLive, "another user's session: SessionNotLive")
      await refused.catch((error: unknown) => {
        t.ok(error instanceof AuthCallFailed, 'an AuthCallFailed too')
        t.equal((error as AuthCallFailed).status, 404)
      })
      await app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: fay.refresh_token } })
      await t.rejects(client.identityFor({ userId: fay.user.id, sessionId: faySid, audience: 'hello-app' }), SessionNotLive, 'signed out: SessionNotLive')

      const reserved = client.identityFor({ userId: other.user.id, sessionId: String(claimsOf(other.access_token).sid), audience: config.tokenAudience })
      await t.rejects(reserved, { name: 'AuthCallFailed', status: 422 }, 'a reserved audience is no "signed out"')

      const unscoped = createAuthClient({ authUrl: auth.url, ...feedOnly })
      const forbidden = unscoped.identityFor({ userId: other.user.id, sessionId: String(claimsOf(other.access_token).sid), audience: 'hello-app' })
      await t.rejects(forbidden, { name: 'AuthCallFailed', status: 403 }, 'a client without the scope: 403, not SessionNotLive')
    })

    t.test("the stack's gateway client is made again when its saved scopes lack identity:issue", async (t) => {
      const old = await createServiceClient(db, `gateway-old-${kind}`, ['revocations:read'], Date.now())
      const replaced = await keepOrCreateStackClients(db, { gateway: old }, Date.now())
      t.same(replaced.created, ['gateway'], 'saved credentials with the old scopes are replaced')
      t.not(replaced.clients.gateway.clientId, old.clientId)
      const row = await db.selectFrom('service_clients').select('scopes').where('id', '=', replaced.clients.gateway.clientId).executeTakeFirstOrThrow()
      t.same(row.scopes.split(' ').sort(), ['identity:issue', 'revocations:read'])
      const kept = await keepOrCreateStackClients(db, { gateway: replaced.clients.gateway }, Date.now())
      t.same(kept.created, [], 'credentials with every scope are kept')
      t.equal(kept.clients.gateway.clientId, replaced.clients.gateway.clientId)
    })
  })
}
