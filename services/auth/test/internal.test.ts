import t from 'tap'
import { newId } from '@portcullis/shared/ids'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { createServiceClient } from '../src/clients/service-clients.ts'
import { bearer, signupAndLogin, startTestAuth } from '@portcullis/testkit/auth-app'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

function claimsOf(token: string): Record<string, unknown> {
  const payload = token.split('.')[1]
  if (payload === undefined) throw new Error(`not a JWT: ${token}`)
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString()
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`
}

function refresh(app: FastifyInstance, refreshToken: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: refreshToken } })
}

async function serviceToken(app: FastifyInstance, clientId: string, clientSecret: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/internal/oauth/token',
    headers: FORM,
    payload: form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  })
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
  return res.json().access_token
}

for (const kind of testDatabaseKinds()) {
  t.test(`internal API on ${kind}`, async (t) => {
    const { app, database, config, clock } = await startTestAuth(t, kind)
    const db = database.handle.db
    const full = await createServiceClient(db, 'user-service', ['sessions:revoke', 'revocations:read'], Date.now())
    const readOnly = await createServiceClient(db, 'gateway', ['revocations:read'], Date.now())
    const token = await serviceToken(app, full.clientId, full.clientSecret)

    t.test('client credentials by form, JSON and HTTP Basic each get a service token', async (t) => {
      const requests: Array<[string, InjectOptions]> = [
        [
          'form',
          {
            method: 'POST',
            url: '/internal/oauth/token',
            headers: FORM,
            payload: form({ grant_type: 'client_credentials', client_id: full.clientId, client_secret: full.clientSecret }),
          },
        ],
        [
          'JSON',
          {
            method: 'POST',
            url: '/internal/oauth/token',
            payload: { grant_type: 'client_credentials', client_id: full.clientId, client_secret: full.clientSecret },
          },
        ],
        [
          'Basic',
          {
            method: 'POST',
            url: '/internal/oauth/token',
            headers: { ...FORM, authorization: basic(full.clientId, full.clientSecret) },
            payload: form({ grant_type: 'client_credentials' }),
          },
        ],
      ]
      for (const [name, request] of requests) {
        const res = await app.inject(request)
        t.equal(res.statusCode, 200, name)
        t.equal(res.headers['cache-control'], 'no-store', name)
        const body = res.json()
        t.match(body, { access_token: String, token_type: 'Bearer', expires_in: Number, scope: 'sessions:revoke revocations:read' }, name)
        t.ok(body.expires_in > 0, name)
        t.match(
          claimsOf(body.access_token),
          { sub: full.clientId, aud: `${config.tokenAudience}:internal`, token_use: 'service', scope: 'sessions:revoke revocations:read' },
          name,
        )
      }
    })

    t.test('a client may ask for fewer scopes, never more', async (t) => {
      const res = await app.inject({
        method: 'POST',
        url: '/internal/oauth/token',
        headers: FORM,
        payload: form({
          grant_type: 'client_credentials',
          client_id: readOnly.clientId,
          client_secret: readOnly.clientSecret,
          scope: 'revocations:read sessions:revoke',
        }),
      })
      t.equal(res.statusCode, 200)
      t.equal(res.json().scope, 'revocations:read')
      t.equal(claimsOf(res.json().access_token).scope, 'revocations:read')
    })

    t.test('bad client credentials are 401 invalid_client; other grants are 400 unsupported_grant_type', async (t) => {
      const cases: Array<[string, Record<string, string>, string | undefined, number, string]> = [
        ['wrong secret', { grant_type: 'client_credentials', client_id: full.clientId, client_secret: 'wrong-secret' }, undefined, 401, 'invalid_client'],
        [
          'unknown client',
          { grant_type: 'client_credentials', client_id: 'nobody-12345678', client_secret: full.clientSecret },
          undefined,
          401,
          'invalid_client',
        ],
        [
          "another client's secret",
          { grant_type: 'client_credentials', client_id: readOnly.clientId, client_secret: full.clientSecret },
          undefined,
          401,
          'invalid_client',
        ],
        ['no credentials', { grant_type: 'client_credentials' }, undefined, 401, 'invalid_client'],
        ['wrong Basic secret', { grant_type: 'client_credentials' }, basic(full.clientId, 'nope'), 401, 'invalid_client'],
        ['malformed percent-encoding in Basic', { grant_type: 'client_credentials' }, `Basic ${Buffer.from('a%:b').toString('base64')}`, 401, 'invalid_client'],
        [
          'malformed percent-encoding in the Basic secret',
          { grant_type: 'client_credentials' },
          `Basic ${Buffer.from(`${full.clientId}:%E0%A4%A`).toString('base64')}`,
          401,
          'invalid_client',
        ],
        ['Basic that is not base64', { grant_type: 'client_credentials' }, 'Basic !!!', 401, 'invalid_client'],
        ['password grant', { grant_type: 'password', username: 'x', password: 'y' }, undefined, 400, 'unsupported_grant_type'],
        [
          'authorization_code grant',
          { grant_type: 'authorization_code', code: 'abc', redirect_uri: 'https://example.com/cb' },
          undefined,
          400,
          'unsupported_grant_type',
        ],
        [
          'password grant with a good client',
          { grant_type: 'password', client_id: full.clientId, client_secret: full.clientSecret },
          undefined,
          400,
          'unsupported_grant_type',
        ],
      ]
      for (const [name, fields, authorization, status, code] of cases) {
        const headers: Record<string, string> = { ...FORM }
        if (authorization) headers.authorization = authorization
        const res = await app.inject({ method: 'POST', url: '/internal/oauth/token', headers, payload: form(fields) })
        t.equal(res.statusCode, status, name)
        t.equal(res.json().code, code, name)
        t.notOk('access_token' in res.json(), name)
      }
    })

    t.test('internal routes want a service token with the right scope', async (t) => {
      const user = await signupAndLogin(app, 'nosy-user')
      const limited = await serviceToken(app, readOnly.clientId, readOnly.clientSecret)
      const routes: Array<[string, string]> = [
        ['POST', `/internal/users/${user.user.id}/revoke-sessions`],
        ['POST', `/internal/users/${user.user.id}/revoke-tokens`],
        ['POST', `/internal/sessions/${String(claimsOf(user.access_token).sid)}/revoke`],
        ['GET', '/internal/revocations?since=0'],
      ]
      for (const [method, url] of routes) {
        const none = await app.inject({ method: method as 'GET' | 'POST', url })
        t.equal(none.statusCode, 401, `${url} without a token`)
        t.match(none.headers['www-authenticate'], /^Bearer/)

        const asUser = await app.inject({ method: method as 'GET' | 'POST', url, headers: bearer(user.access_token) })
        t.equal(asUser.statusCode, 401, `${url} with a user token`)
        t.equal(asUser.json().code, 'invalid_token', `${url} with a user token`)

        if (method === 'POST') {
          const withoutScope = await app.inject({ method: 'POST', url, headers: bearer(limited) })
          t.equal(withoutScope.statusCode, 403, `${url} without the sessions:revoke scope`)
          t.equal(withoutScope.json().code, 'forbidden')
        }
      }
      const feed = await app.inject({ method: 'GET', url: '/internal/revocations?since=0', headers: bearer(limited) })
      t.equal(feed.statusCode, 200, 'revocations:read is enough for the feed')

      const serviceAsUser = await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(token) })
      t.equal(serviceAsUser.statusCode, 401, 'a service token is no user token')
      t.equal(serviceAsUser.json().code, 'invalid_token')

      const refreshed = await refresh(app, user.refresh_token)
      t.equal(refreshed.statusCode, 200, 'none of the refused calls revoked anything')
    })

    t.test("revoke-sessions ends all of a user's sessions and voids their access tokens", async (t) => {
      const first = await signupAndLogin(app, 'revoked-user')
      const second = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'revoked-user', password: 'correct horse battery staple' } })
      t.equal(second.statusCode, 200)
      const bystander = await signupAndLogin(app, 'bystander')

      const res = await app.inject({ method: 'POST', url: `/internal/users/${first.user.id}/revoke-sessions`, headers: bearer(token) })
      t.equal(res.statusCode, 200)
      t.same(res.json(), { revoked: 2 })

      for (const refreshToken of [first.refresh_token, second.json().refresh_token]) {
        const again = await refresh(app, refreshToken)
        t.equal(again.statusCode, 401)
        t.equal(again.json().code, 'session_revoked')
      }
      t.equal(
        (await app.inject({ method: 'POST', url: '/auth/logout-all', headers: bearer(first.access_token) })).statusCode,
        401,
        'the access token is refused',
      )
      t.equal((await refresh(app, bystander.refresh_token)).statusCode, 200, 'other users keep their sessions')

      const events = await db
        .selectFrom('audit_events')
        .select(['type', 'actor_id'])
        .where('user_id', '=', first.user.id)
        .where('type', '=', 'sessions_revoked')
        .execute()
      t.same(events, [{ type: 'sessions_revoked', actor_id: full.clientId }])

      const twice = await app.inject({ method: 'POST', url: `/internal/users/${first.user.id}/revoke-sessions`, headers: bearer(token) })
      t.same(twice.json(), { revoked: 0 }, 'nothing left to revoke')
    })

    t.test('sessions/:id/revoke ends exactly one session', async (t) => {
      const phone = await signupAndLogin(app, 'two-devices')
      const laptopRes = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'two-devices', password: 'correct horse battery staple' } })
      const laptop = laptopRes.json()
      const sid = String(claimsOf(phone.access_token).sid)
      t.not(sid, claimsOf(laptop.access_token).sid)

      const res = await app.inject({ method: 'POST', url: `/internal/sessions/${sid}/revoke`, headers: bearer(token) })
      t.equal(res.statusCode, 204)
      t.equal(res.body, '')

      const phoneRefresh = await refresh(app, phone.refresh_token)
      t.equal(phoneRefresh.statusCode, 401)
      t.equal(phoneRefresh.json().code, 'session_revoked')
      t.equal((await refresh(app, laptop.refresh_token)).statusCode, 200, 'the other session lives on')

      const again = await app.inject({ method: 'POST', url: `/internal/sessions/${sid}/revoke`, headers: bearer(token) })
      t.equal(again.statusCode, 204, 'revoking it again is harmless')
    })

    t.test('revoke-tokens voids access tokens but keeps the sessions', async (t) => {
      const user = await signupAndLogin(app, 'role-changed')
      const res = await app.inject({ method: 'POST', url: `/internal/users/${user.user.id}/revoke-tokens`, headers: bearer(token) })
      t.equal(res.statusCode, 204)
      const feed = await app.inject({ method: 'GET', url: '/internal/revocations?since=0', headers: bearer(token) })
      t.ok(
        feed.json().revocations.some((r: { kind: string; subject: string }) => r.kind === 'user' && r.subject === user.user.id),
        'the user is in the revocation feed',
      )
      t.equal((await refresh(app, user.refresh_token)).statusCode, 200, 'the session can still be refreshed')
    })

    t.test('unknown ids are 404', async (t) => {
      for (const url of [
        '/internal/users/no-such-user/revoke-sessions',
        '/internal/users/no-such-user/revoke-tokens',
        '/internal/sessions/no-such-session/revoke',
      ]) {
        const res = await app.inject({ method: 'POST', url, headers: bearer(token) })
        t.equal(res.statusCode, 404, url)
        t.equal(res.json().code, 'not_found', url)
      }
      const badId = await app.inject({ method: 'POST', url: "/internal/users/x'%20OR%201=1/revoke-sessions", headers: bearer(token) })
      t.ok(badId.statusCode >= 400 && badId.statusCode < 500, `a malformed id is a 4xx (${badId.statusCode})`)
    })

    t.test('the revocation feed lists session and user revocations since a time', async (t) => {
      const user = await signupAndLogin(app, 'feed-user')
      const sid = String(claimsOf(user.access_token).sid)
      const start = clock.now()
      clock.advance(1000)
      t.equal((await app.inject({ method: 'POST', url: `/internal/sessions/${sid}/revoke`, headers: bearer(token) })).statusCode, 204)
      t.equal((await app.inject({ method: 'POST', url: `/internal/users/${user.user.id}/revoke-tokens`, headers: bearer(token) })).statusCode, 204)

      const all = await app.inject({ method: 'GET', url: '/internal/revocations?since=0', headers: bearer(token) })
      t.equal(all.statusCode, 200)
      const body = all.json()
      t.equal(body.now, clock.now())
      t.match(body.revocations, Array)
      t.ok(body.revocations.length >= 2)
      for (const entry of body.revocations) {
        t.match(entry, { kind: /^(session|user)$/, subject: String, at: Number })
      }
      const sessionEntry = body.revocations.find((r: { kind: string; subject: string }) => r.kind === 'session' && r.subject === sid)
      const userEntry = body.revocations.find((r: { kind: string; subject: string }) => r.kind === 'user' && r.subject === user.user.id)
      t.match(sessionEntry, { kind: 'session', subject: sid, at: clock.now() })
      t.match(userEntry, { kind: 'user', subject: user.user.id, at: clock.now() })

      const recent = await app.inject({ method: 'GET', url: `/internal/revocations?since=${start + 1}`, headers: bearer(token) })
      t.same(
        recent
          .json()
          .revocations.map((r: { kind: string; subject: string }) => `${r.kind}:${r.subject}`)
          .sort(),
        [`session:${sid}`, `user:${user.user.id}`].sort(),
        'since filters out earlier revocations',
      )

      const future = await app.inject({ method: 'GET', url: `/internal/revocations?since=${clock.now() + 60_000}`, headers: bearer(token) })
      t.equal(future.statusCode, 200)
      t.same(future.json().revocations, [])

      for (const since of ['abc', '-1', '1.5']) {
        const bad = await app.inject({ method: 'GET', url: `/internal/revocations?since=${since}`, headers: bearer(token) })
        t.equal(bad.statusCode, 422, `since=${since}`)
        t.equal(bad.json().code, 'validation_failed', `since=${since}`)
      }
    })

    t.test('the feed pages in (at, id) order: paging on from the last row reads every row once, ties within a millisecond included', async (t) => {
      const at = clock.now() + 120_000
      // 25,000 rows over five milliseconds: every page boundary falls inside a millisecond.
      const rows = Array.from({ length: 25_000 }, (_, i) => ({
        id: newId(),
        kind: 'session' as const,
        subject: `paged-${String(i).padStart(5, '0')}`,
        at: at + (i % 5),
        expires_at: at + 3_600_000,
      }))
      for (let i = 0; i < rows.length; i += 1000)
        await db
          .insertInto('token_revocations')
          .values(rows.slice(i, i + 1000))
          .execute()
      t.teardown(async () => {
        await db.deleteFrom('token_revocations').where('at', '>=', at).execute()
      })

      for (const limit of [10_000, 4_999, 7]) {
        const seen: string[] = []
        let query = `since=${at}`
        let pages = 0
        for (;;) {
          const res = await app.inject({ method: 'GET', url: `/internal/revocations?${query}&limit=${limit}`, headers: bearer(token) })
          t.equal(res.statusCode, 200)
          const page = res.json<{ revocations: Array<{ id: string; subject: string; at: number }>; has_more: boolean }>()
          pages++
          t.ok(page.revocations.length <= limit)
          seen.push(...page.revocations.map((r) => r.subject))
          const last = page.revocations.at(-1)
          if (!page.has_more || !last) break
          t.equal(page.revocations.length, limit, 'only a full page says has_more')
          query = `since=${last.at}&after=${last.id}`
          if (limit === 7 && pages >= 40) break
        }
        if (limit === 7) {
          t.equal(new Set(seen).size, seen.length, `limit 7: no row twice over ${pages} pages`)
          continue
        }
        t.equal(seen.length, rows.length, `limit ${limit}: every row read, in ${pages} pages`)
        t.equal(new Set(seen).size, rows.length, `limit ${limit}: none twice`)
      }
      const tooMany = await app.inject({ method: 'GET', url: `/internal/revocations?since=0&limit=10001`, headers: bearer(token) })
      t.equal(tooMany.statusCode, 422, 'a page is at most 10,000 rows')
    })
  })
}
