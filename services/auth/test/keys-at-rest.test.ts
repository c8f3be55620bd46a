// Signing keys at rest: with KEY_ENCRYPTION_KEY set, the database holds their private halves wrapped, never as PEM; a
// rotation of the key-encryption key (the new one current, the old one previous) rewraps every key at start; a key this
// process cannot unwrap stops it with a message naming the settings.
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { loadAuthConfig } from '../src/config.ts'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { buildAuthApp } from '../src/app.ts'
import { kekId } from '@portcullis/shared/keys/private-key-wrapping'
import { signupAndLogin, TEST_ENV } from '@portcullis/testkit/auth-app'

const kek = () => randomBytes(32)

for (const kind of testDatabaseKinds()) {
  t.test(`signing keys at rest on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    const db = database.handle.db
    const start = async (env: Record<string, string>) => {
      const app = await buildAuthApp({ config: loadAuthConfig({ ...TEST_ENV, ...database.env, ...env }), database: database.handle })
      t.teardown(() => app.close())
      return app
    }
    const storedKeys = () => db.selectFrom('signing_keys').select(['kid', 'private_pem']).execute()
    const logoutAll = (app: Awaited<ReturnType<typeof start>>, token: string) =>
      app.inject({ method: 'POST', url: '/auth/logout-all', headers: { authorization: `Bearer ${token}` } })

    // First without a key-encryption key: keys are PEM, as before.
    const plain = await start({})
    const early = await signupAndLogin(plain, 'early-bird')
    t.match((await storedKeys())[0]?.private_pem, /^-----BEGIN PRIVATE KEY-----/, 'no KEY_ENCRYPTION_KEY: PEM as before')
    await plain.close()

    const first = kek()
    t.test('a key-encryption key wraps the keys there were, and every key made after', async (t) => {
      const app = await start({ KEY_ENCRYPTION_KEY: first.toString('base64') })
      await app.inject({ method: 'POST', url: '/auth/signup', payload: { username: 'wrapped-one', password: 'correct horse battery staple' } })
      const rows = await storedKeys()
      t.ok(rows.length >= 1)
      for (const row of rows) {
        t.notMatch(row.private_pem, /PRIVATE KEY|BEGIN/, `${row.kid} holds no PEM`)
        t.match(row.private_pem, new RegExp(`^kek1:${kekId(first)}:`), `${row.kid} is wrapped with KEY_ENCRYPTION_KEY`)
      }
      t.equal((await logoutAll(app, early.access_token)).statusCode, 204, 'a token signed before is still verified')
      const fresh = await signupAndLogin(app, 'after-wrap')
      t.equal((await logoutAll(app, fresh.access_token)).statusCode, 204, 'and new tokens are signed with the unwrapped key')
      await app.close()
    })

    const second = kek()
    t.test('rotation: KEY_ENCRYPTION_KEY=new with the old one in KEY_ENCRYPTION_KEY_PREVIOUS rewraps every key', async (t) => {
      // Step 1 of the rotation: every instance can read both, still writing with the old one.
      const both = await start({ KEY_ENCRYPTION_KEY: first.toString('hex'), KEY_ENCRYPTION_KEY_PREVIOUS: second.toString('base64url') })
      await both.close()
      const app = await start({ KEY_ENCRYPTION_KEY: second.toString('base64'), KEY_ENCRYPTION_KEY_PREVIOUS: first.toString('base64') })
      for (const row of await storedKeys()) t.match(row.private_pem, new RegExp(`^kek1:${kekId(second)}:`), `${row.kid} rewrapped with the new key`)
      const session = await signupAndLogin(app, 'rotated-kek')
      await app.close()
      // Step 3: the old key is gone from the settings and nothing needs it.
      const after = await start({ KEY_ENCRYPTION_KEY: second.toString('base64') })
      t.equal((await logoutAll(after, session.access_token)).statusCode, 204)
      await after.close()
    })

    t.test('a key no configured key-encryption key opens stops auth, saying which settings to check', async (t) => {
      await t.rejects(start({ KEY_ENCRYPTION_KEY: kek().toString('base64') }), /KEY_ENCRYPTION_KEY_PREVIOUS/, 'a wrong key')
      await t.rejects(start({}), /KEY_ENCRYPTION_KEY/, 'no key at all')
      const [row] = await storedKeys()
      if (!row) throw new Error('no key')
      const altered = `${row.private_pem.slice(0, -6)}${row.private_pem.slice(-6) === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA'}`
      await db.updateTable('signing_keys').set({ private_pem: altered }).where('kid', '=', row.kid).execute()
      await t.rejects(start({ KEY_ENCRYPTION_KEY: second.toString('base64') }), /altered/, 'a wrapped key that was tampered with')
    })

    t.test('a key-encryption key that is not 32 bytes is a configuration error', async (t) => {
      for (const bad of ['short', 'x'.repeat(64), randomBytes(16).toString('base64'), randomBytes(31).toString('hex')]) {
        t.throws(() => loadAuthConfig({ KEY_ENCRYPTION_KEY: bad }), /KEY_ENCRYPTION_KEY must be 32 random bytes/, bad)
      }
      t.throws(() => loadAuthConfig({ KEY_ENCRYPTION_KEY_PREVIOUS: kek().toString('base64') }), /needs KEY_ENCRYPTION_KEY/)
    })
  })
}
