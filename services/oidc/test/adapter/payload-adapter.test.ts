// The oidc-provider adapter on both databases: upsert and find, the secondary look-ups, expiry, consume, destroy, and a
// grant's revocation taking its tokens and nothing else.
import t from 'tap'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { PayloadAdapter } from '../../src/adapter/payload-adapter.ts'

for (const kind of testDatabaseKinds()) {
  t.test(`payload adapter on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind)
    t.teardown(() => database.drop())
    let clock = 1_800_000_000_000
    const now = () => clock
    const adapter = (model: string) => new PayloadAdapter(database.handle.db, model, now)

    t.test('upsert then find, and upsert again replaces', async (t) => {
      const codes = adapter('AuthorizationCode')
      await codes.upsert('code-1', { jti: 'code-1', grantId: 'grant-1', accountId: 'user-1' }, 60)
      t.same(await codes.find('code-1'), { jti: 'code-1', grantId: 'grant-1', accountId: 'user-1' })
      await codes.upsert('code-1', { jti: 'code-1', grantId: 'grant-1', accountId: 'user-2' }, 60)
      t.same(await codes.find('code-1'), { jti: 'code-1', grantId: 'grant-1', accountId: 'user-2' })
      t.equal(await codes.find('code-unknown'), undefined)
      t.equal(await adapter('AccessToken').find('code-1'), undefined, 'the same id of another model is another row')
    })

    t.test('expiry: found until expiresIn has passed, never after', async (t) => {
      const sessions = adapter('Session')
      await sessions.upsert('s-exp', { jti: 's-exp', uid: 'uid-exp' }, 10)
      clock += 9_999
      t.ok(await sessions.find('s-exp'))
      clock += 1
      t.equal(await sessions.find('s-exp'), undefined)
      t.equal(await sessions.findByUid('uid-exp'), undefined)
    })

    t.test('findByUid and findByUserCode', async (t) => {
      const sessions = adapter('Session')
      await sessions.upsert('s-1', { jti: 's-1', uid: 'uid-1', accountId: 'user-1' }, 3600)
      t.same(await sessions.findByUid('uid-1'), { jti: 's-1', uid: 'uid-1', accountId: 'user-1' })
      t.equal(await sessions.findByUid('uid-none'), undefined)
      const devices = adapter('DeviceCode')
      await devices.upsert('d-1', { jti: 'd-1', userCode: 'ABCD-EFGH', grantId: 'grant-d' }, 600)
      t.same(await devices.findByUserCode('ABCD-EFGH'), { jti: 'd-1', userCode: 'ABCD-EFGH', grantId: 'grant-d' })
      t.equal(await devices.findByUserCode('ZZZZ-ZZZZ'), undefined)
    })

    t.test('consume marks the payload consumed (epoch seconds), destroy removes it', async (t) => {
      const tokens = adapter('RefreshToken')
      await tokens.upsert('rt-1', { jti: 'rt-1', grantId: 'grant-2' }, 3600)
      t.notOk((await tokens.find('rt-1'))?.consumed)
      await tokens.consume('rt-1')
      t.equal((await tokens.find('rt-1'))?.consumed, Math.floor(clock / 1000))
      await tokens.destroy('rt-1')
      t.equal(await tokens.find('rt-1'), undefined)
    })

    t.test("revokeByGrantId removes that grant's tokens of every model, not another grant's", async (t) => {
      await adapter('AccessToken').upsert('at-g3', { jti: 'at-g3', grantId: 'grant-3' }, 600)
      await adapter('RefreshToken').upsert('rt-g3', { jti: 'rt-g3', grantId: 'grant-3' }, 600)
      await adapter('AccessToken').upsert('at-g4', { jti: 'at-g4', grantId: 'grant-4' }, 600)
      await adapter('AccessToken').revokeByGrantId('grant-3')
      t.equal(await adapter('AccessToken').find('at-g3'), undefined)
      t.equal(await adapter('RefreshToken').find('rt-g3'), undefined)
      t.ok(await adapter('AccessToken').find('at-g4'))
    })

    t.test('a payload without expiry is kept', async (t) => {
      const grants = adapter('Grant')
      await grants.upsert('g-forever', { jti: 'g-forever', accountId: 'user-1' }, undefined as unknown as number)
      clock += 10 * 365 * 86_400_000
      t.ok(await grants.find('g-forever'))
    })
  })
}
