// The provider's housekeeping on both databases: expired state swept (what is still valid kept), sign-ins whose grant is
// gone dropped from the sessions page; the cookie keys made once and shared by every instance.
import t from 'tap'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { sweepExpired } from '../src/housekeeping/sweep.ts'
import { providerCookieKeys } from '../src/provider/cookie-keys.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`housekeeping on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const db = database.handle.db
    const now = Date.now()
    const row = (model: string, id: string, expiresAt: number | null, grantId: string | null = null) => ({
      model,
      id,
      payload: '{}',
      grant_id: grantId,
      user_code: null,
      uid: null,
      expires_at: expiresAt,
      consumed_at: null,
    })
    await db
      .insertInto('oidc_payloads')
      .values([
        row('AccessToken', 'old', now - 1000, 'g-live'),
        row('AuthorizationCode', 'old', now - 1, 'g-live'),
        row('Interaction', 'old', now),
        row('AccessToken', 'fresh', now + 60_000, 'g-live'),
        row('Grant', 'g-live', now + 60_000),
        row('Client', 'never', null),
      ])
      .execute()
    await db
      .insertInto('users')
      .values({ id: 'u1', username: 'ivan', password_hash: 'x', role: 'user', status: 'active', created_at: now, updated_at: now, password_changed_at: now })
      .execute()
    await db
      .insertInto('oidc_clients')
      .values({ id: 'c1', name: 'App', secret_hash: null, redirect_uris: '[]', public: 1, first_party: 0, created_at: now, disabled_at: null })
      .execute()
    for (const grant of ['g-live', 'g-gone']) {
      await db
        .insertInto('oidc_sign_ins')
        .values({ grant_id: grant, user_id: 'u1', client_id: 'c1', session_id: 's1', created_at: now, last_used_at: now })
        .execute()
    }

    const swept = await sweepExpired(db, now)
    t.same(swept, { payloads: 3, signIns: 1 })
    const left = await db.selectFrom('oidc_payloads').select(['model', 'id']).orderBy('model').orderBy('id').execute()
    t.same(
      left.map((r) => `${r.model}/${r.id}`),
      ['AccessToken/fresh', 'Client/never', 'Grant/g-live'],
      'what has not expired stays',
    )
    t.same(
      (await db.selectFrom('oidc_sign_ins').select('grant_id').execute()).map((r) => r.grant_id),
      ['g-live'],
      'a sign-in without its grant goes',
    )
    t.same(await sweepExpired(db, now), { payloads: 0, signIns: 0 }, 'nothing twice')

    const [first, second] = await Promise.all([providerCookieKeys(db, now), providerCookieKeys(db, now)])
    t.same(first, second, 'two instances starting at once agree on the cookie key')
    t.same(await providerCookieKeys(db, now + 1000), first, 'and so does a restart')
    t.ok((first[0] ?? '').length >= 43, '256 bits')
  })
}
