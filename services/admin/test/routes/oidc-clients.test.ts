// /admin/oidc-clients: OpenID Connect clients listed, registered (the secret answered once, stored hashed), changed, disabled
// (every sign-in to the client ended with its grant and tokens, the provider's ClientAdapter no longer finding it) and
// enabled, given a new secret; the refusals (422 naming the field, 409 for a taken name or a public client's secret, 404),
// each changing nothing; every change audited with the acting admin and never a secret, on both databases.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '@portcullis/shared/db/schema'
import { hashClientSecret } from '@portcullis/shared/oidc/client-secret'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
// The provider's own view of the clients (a test-only reach into services/oidc: what the provider finds is what counts).
import { ClientAdapter } from '../../../oidc/src/clients/client-adapter.ts'
import { injectAs, startTestAdmin } from '../helpers/admin-app.ts'

const CLIENT_EVENTS = ['oidc_client_created', 'oidc_client_updated', 'oidc_client_secret_rotated', 'oidc_client_disabled', 'oidc_client_enabled']

interface ClientBody {
  client_id: string
  name: string
  redirect_uris: string[]
  public: boolean
  first_party: boolean
  created_at: string
  disabled_at: string | null
}

async function clientEvents(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('audit_events')
    .select(['type', 'actor_id', 'user_id', 'ip', 'detail'])
    .where('type', 'in', CLIENT_EVENTS)
    .orderBy('at')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({ ...row, detail: JSON.parse(row.detail ?? 'null') as Record<string, unknown> }))
}

async function storedClients(db: Kysely<Database>) {
  return db.selectFrom('oidc_clients').selectAll().orderBy('name').execute()
}

for (const kind of testDatabaseKinds()) {
  t.test(`/admin/oidc-clients on ${kind}`, async (t) => {
    const { app, auth, db, root } = await startTestAdmin(t, kind)
    const as = (token: string) => ({
      get: () => injectAs(app, token, { method: 'GET', url: '/admin/oidc-clients' }),
      create: (payload: unknown) => injectAs(app, token, { method: 'POST', url: '/admin/oidc-clients', payload: payload as Record<string, unknown> }),
      change: (id: string, payload: unknown) =>
        injectAs(app, token, { method: 'PATCH', url: `/admin/oidc-clients/${id}`, payload: payload as Record<string, unknown> }),
      newSecret: (id: string) => injectAs(app, token, { method: 'POST', url: `/admin/oidc-clients/${id}/secret` }),
    })
    const admin = as(root.access_token)

    const created = await admin.create({ name: 'Wiki', redirect_uris: ['https://wiki.example/cb', 'http://localhost:3000/cb', 'https://wiki.example/cb'] })
    t.equal(created.statusCode, 201, created.body)
    const wiki = created.json<{ client: ClientBody; client_secret: string }>()

    t.test('a confidential client: 201 with the client and its secret once, stored as its hash, audited without it', async (t) => {
      t.match(wiki.client, {
        client_id: /^[A-Za-z0-9_-]{22}$/,
        name: 'Wiki',
        redirect_uris: ['https://wiki.example/cb', 'http://localhost:3000/cb'],
        public: false,
        first_party: false,
        created_at: String,
        disabled_at: null,
      })
      t.same(wiki.client.redirect_uris, ['https://wiki.example/cb', 'http://localhost:3000/cb'], 'each redirect URI once')
      t.match(wiki.client_secret, /^[A-Za-z0-9_-]{43}$/)
      const [stored] = await db.selectFrom('oidc_clients').selectAll().where('id', '=', wiki.client.client_id).execute()
      t.equal(stored?.secret_hash, hashClientSecret(wiki.client_secret), 'stored as its SHA-256')
      const events = await clientEvents(db)
      t.same(events, [
        {
          type: 'oidc_client_created',
          actor_id: root.user.id,
          user_id: null,
          ip: '127.0.0.1',
          detail: {
            client_id: wiki.client.client_id,
            name: 'Wiki',
            redirect_uris: ['https://wiki.example/cb', 'http://localhost:3000/cb'],
            public: false,
            first_party: false,
          },
        },
      ])
      t.notOk(JSON.stringify(events).includes(wiki.client_secret), 'never the secret')
    })

    const spaCreated = await admin.create({ name: 'Console SPA', redirect_uris: ['http://localhost:5173/cb'], public: true, first_party: true })
    t.equal(spaCreated.statusCode, 201, spaCreated.body)
    const spa = spaCreated.json<{ client: ClientBody; client_secret: string | null }>()

    t.test('a public client: no secret, none stored; the list shows both by name, and nothing of a secret', async (t) => {
      t.equal(spa.client_secret, null)
      t.match(spa.client, { name: 'Console SPA', public: true, first_party: true })
      const [stored] = await db.selectFrom('oidc_clients').select('secret_hash').where('id', '=', spa.client.client_id).execute()
      t.equal(stored?.secret_hash, null)
      const list = await admin.get()
      t.equal(list.statusCode, 200)
      t.same(
        list.json().clients.map((client: ClientBody) => client.name),
        ['Console SPA', 'Wiki'],
      )
      t.same(list.json().clients[1], wiki.client)
      t.notOk(list.body.includes('secret'), 'no secret and no hash in the list')
    })

    t.test('bad input: 422 validation_failed naming the field in a sentence, and nothing is created', async (t) => {
      const before = await storedClients(db)
      const eventsBefore = await clientEvents(db)
      const cases: Array<[string, unknown, string, RegExp | undefined]> = [
        ['no redirect URI', { name: 'Empty', redirect_uris: [] }, 'redirect_uris', /^At least one redirect URI is needed/],
        [
          'a relative URI',
          { name: 'Rel', redirect_uris: ['https://ok.example/cb', '/callback'] },
          'redirect_uris',
          /^Redirect URI "\/callback" is not an absolute URI/,
        ],
        [
          'not http(s)',
          { name: 'Ftp', redirect_uris: ['ftp://files.example/cb'] },
          'redirect_uris',
          /^Redirect URI "ftp:\/\/files.example\/cb" is not http\(s\)\.$/,
        ],
        ['a fragment', { name: 'Frag', redirect_uris: ['https://app.example/cb#x'] }, 'redirect_uris', /has a fragment/],
        ['a bad name', { name: ' Leading space', redirect_uris: ['https://app.example/cb'] }, 'name', /^Name must be 1 to 64 letters/],
        ['an empty name', { name: '', redirect_uris: ['https://app.example/cb'] }, 'name', /^Name must be 1 to 64/],
        ['no name', { redirect_uris: ['https://app.example/cb'] }, 'name', /^Name is required/],
        ['no redirect URIs', { name: 'NoUris' }, 'redirect_uris', /is required/],
        ['public not a boolean', { name: 'P', redirect_uris: ['https://app.example/cb'], public: 'yes' }, 'public', undefined],
        ['an unknown field', { name: 'U', redirect_uris: ['https://app.example/cb'], secret: 'x' }, 'secret', undefined],
      ]
      for (const [name, payload, field, message] of cases) {
        const res = await admin.create(payload)
        t.equal(res.statusCode, 422, name)
        t.equal(res.json().code, 'validation_failed', name)
        const error = res.json().errors?.find((e: { field: string }) => e.field === field)
        t.ok(error, `${name}: names ${field}`)
        if (message) t.match(error?.message, message, name)
      }
      const both = await admin.create({ name: '#bad', redirect_uris: ['mailto:x@example.com'] })
      t.same(
        both.json().errors.map((e: { field: string }) => e.field),
        ['name', 'redirect_uris'],
        'every problem at once',
      )
      t.same(await storedClients(db), before, 'nothing created')
      t.same(await clientEvents(db), eventsBefore, 'nothing audited')
    })

    t.test('a taken name: 409 oidc_client_name_taken with a human message, and nothing is created', async (t) => {
      const before = await storedClients(db)
      const res = await admin.create({ name: 'Wiki', redirect_uris: ['https://other.example/cb'] })
      t.equal(res.statusCode, 409)
      t.match(res.json(), { code: 'oidc_client_name_taken', detail: 'Another app already has that name: choose another' })
      t.same(await storedClients(db), before)
    })

    t.test('a change: 200 with the client as changed, one audit event saying what changed from what', async (t) => {
      const eventsBefore = (await clientEvents(db)).length
      const res = await admin.change(wiki.client.client_id, { name: 'Team Wiki', redirect_uris: ['https://wiki.example/callback'], first_party: true })
      t.equal(res.statusCode, 200, res.body)
      t.match(res.json(), {
        client_id: wiki.client.client_id,
        name: 'Team Wiki',
        redirect_uris: ['https://wiki.example/callback'],
        first_party: true,
        public: false,
      })
      const [stored] = await db.selectFrom('oidc_clients').selectAll().where('id', '=', wiki.client.client_id).execute()
      t.match(stored, { name: 'Team Wiki', redirect_uris: JSON.stringify(['https://wiki.example/callback']), first_party: 1 })
      t.equal(stored?.secret_hash, hashClientSecret(wiki.client_secret), 'the secret is untouched')
      const events = (await clientEvents(db)).slice(eventsBefore)
      t.same(events, [
        {
          type: 'oidc_client_updated',
          actor_id: root.user.id,
          user_id: null,
          ip: '127.0.0.1',
          detail: {
            client_id: wiki.client.client_id,
            name: 'Team Wiki',
            from: { name: 'Wiki', redirect_uris: ['https://wiki.example/cb', 'http://localhost:3000/cb'], first_party: false },
            to: { name: 'Team Wiki', redirect_uris: ['https://wiki.example/callback'], first_party: true },
          },
        },
      ])

      const same = await admin.change(wiki.client.client_id, { name: 'Team Wiki', first_party: true })
      t.equal(same.statusCode, 200, 'a change to what already is: 200')
      t.equal((await clientEvents(db)).length, eventsBefore + 1, 'and nothing written')
    })

    t.test('refused changes: 409 for a taken name, 422 naming the field, 404 for an unknown client; each changes nothing', async (t) => {
      const before = await storedClients(db)
      const eventsBefore = await clientEvents(db)
      const taken = await admin.change(wiki.client.client_id, { name: 'Console SPA' })
      t.equal(taken.statusCode, 409)
      t.equal(taken.json().code, 'oidc_client_name_taken')
      const cases: Array<[string, unknown, string | undefined]> = [
        ['a bad redirect URI', { redirect_uris: ['https://wiki.example/cb', 'wiki.example/cb'] }, 'redirect_uris'],
        ['no redirect URI', { redirect_uris: [] }, 'redirect_uris'],
        ['a bad name with a good change', { name: '', first_party: false }, 'name'],
        ['public cannot change', { public: true }, 'public'],
        ['disabled not a boolean', { disabled: 'yes' }, 'disabled'],
        ['an empty body', {}, undefined],
      ]
      for (const [name, payload, field] of cases) {
        const res = await admin.change(wiki.client.client_id, payload)
        t.equal(res.statusCode, 422, name)
        t.equal(res.json().code, 'validation_failed', name)
        if (field)
          t.ok(
            res.json().errors?.some((e: { field: string }) => e.field === field),
            `${name}: names ${field}`,
          )
      }
      const badUri = await admin.change(wiki.client.client_id, { redirect_uris: ['wiki.example/cb'] })
      t.match(badUri.json().errors[0].message, /^Redirect URI "wiki.example\/cb" is not an absolute URI/, 'the sentence says which URI')
      const unknown = await admin.change('no-such-client', { first_party: true })
      t.equal(unknown.statusCode, 404)
      t.equal(unknown.json().code, 'not_found')
      const badId = await admin.change('not a client!', { first_party: true })
      t.equal(badId.statusCode, 422)
      t.same(await storedClients(db), before, 'nothing changed')
      t.same(await clientEvents(db), eventsBefore, 'nothing audited')
    })

    t.test('disabling ends every sign-in to the client and the provider no longer finds it; enabling brings it back', async (t) => {
      const alice = await auth.userSession('alice')
      /** A sign-in as oidc-provider and our interaction leave it: the grant, a token under it, the link to the session. */
      const signIn = async (grantId: string, clientId: string) => {
        const grant = { model: 'Grant', id: grantId, payload: '{}', grant_id: null, user_code: null, uid: null, expires_at: null, consumed_at: null }
        await db
          .insertInto('oidc_payloads')
          .values([grant, { ...grant, model: 'RefreshToken', id: `refresh-of-${grantId}`, grant_id: grantId }])
          .execute()
        await db
          .insertInto('oidc_sign_ins')
          .values({
            grant_id: grantId,
            user_id: alice.user.id,
            client_id: clientId,
            session_id: 'session-of-alice',
            created_at: Date.now(),
            last_used_at: Date.now(),
          })
          .execute()
      }
      await signIn('grant-wiki-1', wiki.client.client_id)
      await signIn('grant-wiki-2', wiki.client.client_id)
      await signIn('grant-spa', spa.client.client_id)
      const provider = new ClientAdapter(db)
      t.ok(await provider.find(wiki.client.client_id), 'the provider finds it while enabled')

      const res = await admin.change(wiki.client.client_id, { disabled: true })
      t.equal(res.statusCode, 200)
      t.match(res.json(), { disabled_at: String })
      t.equal(await provider.find(wiki.client.client_id), undefined, 'the provider no longer finds it')
      t.same(
        await db.selectFrom('oidc_sign_ins').select('grant_id').where('user_id', '=', alice.user.id).execute(),
        [{ grant_id: 'grant-spa' }],
        "its sign-ins ended, another client's kept",
      )
      const payloads = await db.selectFrom('oidc_payloads').select('id').where('id', 'like', '%grant-%').orderBy('id').execute()
      t.same(
        payloads.map((row) => row.id),
        ['grant-spa', 'refresh-of-grant-spa'],
        'with their grants and tokens',
      )
      const disabledAt = res.json().disabled_at
      const again = await admin.change(wiki.client.client_id, { disabled: true })
      t.equal(again.json().disabled_at, disabledAt, 'disabling it again changes nothing')

      const enabled = await admin.change(wiki.client.client_id, { disabled: false })
      t.equal(enabled.statusCode, 200)
      t.equal(enabled.json().disabled_at, null)
      t.ok(await provider.find(wiki.client.client_id), 'found again once enabled')
      const events = (await clientEvents(db)).filter((event) => event.type === 'oidc_client_disabled' || event.type === 'oidc_client_enabled')
      t.same(
        events.map((event) => [event.type, event.actor_id, event.detail]),
        [
          ['oidc_client_disabled', root.user.id, { client_id: wiki.client.client_id, name: 'Team Wiki', sign_ins_ended: 2 }],
          ['oidc_client_enabled', root.user.id, { client_id: wiki.client.client_id, name: 'Team Wiki' }],
        ],
      )
    })

    t.test('a new secret: answered once, the stored hash is the new one, audited without it', async (t) => {
      const res = await admin.newSecret(wiki.client.client_id)
      t.equal(res.statusCode, 200, res.body)
      const renewed = res.json<{ client: ClientBody; client_secret: string }>()
      t.match(renewed.client_secret, /^[A-Za-z0-9_-]{43}$/)
      t.not(renewed.client_secret, wiki.client_secret)
      t.equal(renewed.client.client_id, wiki.client.client_id)
      const [stored] = await db.selectFrom('oidc_clients').select('secret_hash').where('id', '=', wiki.client.client_id).execute()
      t.equal(stored?.secret_hash, hashClientSecret(renewed.client_secret), 'the new one is stored')
      const rotated = (await clientEvents(db)).filter((event) => event.type === 'oidc_client_secret_rotated')
      t.same(
        rotated.map((event) => [event.actor_id, event.detail]),
        [[root.user.id, { client_id: wiki.client.client_id, name: 'Team Wiki' }]],
      )
      t.notOk(JSON.stringify(rotated).includes(renewed.client_secret), 'never the secret')
    })

    t.test("a public client's secret: 409 oidc_client_public; an unknown client: 404; neither writes anything", async (t) => {
      const eventsBefore = await clientEvents(db)
      const publicOne = await admin.newSecret(spa.client.client_id)
      t.equal(publicOne.statusCode, 409)
      t.equal(publicOne.json().code, 'oidc_client_public')
      const [stored] = await db.selectFrom('oidc_clients').select('secret_hash').where('id', '=', spa.client.client_id).execute()
      t.equal(stored?.secret_hash, null)
      const unknown = await admin.newSecret('no-such-client')
      t.equal(unknown.statusCode, 404)
      t.same(await clientEvents(db), eventsBefore)
    })

    t.test('only admins: a user is refused 403 and no token 401, on every route', async (t) => {
      const bob = await auth.userSession('bob')
      const user = as(bob.access_token)
      const before = await storedClients(db)
      const refusals: Array<[string, () => Promise<{ statusCode: number }>]> = [
        ['list', user.get],
        ['create', () => user.create({ name: 'Sneaky', redirect_uris: ['https://evil.example/cb'] })],
        ['change', () => user.change(wiki.client.client_id, { disabled: true })],
        ['new secret', () => user.newSecret(wiki.client.client_id)],
      ]
      for (const [name, call] of refusals) t.equal((await call()).statusCode, 403, name)
      const anonymous: FastifyInstance['inject'] = app.inject.bind(app)
      t.equal((await anonymous({ method: 'GET', url: '/admin/oidc-clients' })).statusCode, 401)
      t.equal((await anonymous({ method: 'POST', url: `/admin/oidc-clients/${wiki.client.client_id}/secret` })).statusCode, 401)
      t.same(await storedClients(db), before, 'nothing changed')
    })
  })
}
