// The operator commands as an operator runs them: real processes, exit codes and messages.
import t from 'tap'
import { createTestDatabase, testDatabaseKinds } from '@portcullis/testkit/databases'
import { runCommand as run } from '@portcullis/testkit/auth-commands'

for (const kind of testDatabaseKinds()) {
  t.test(`commands on ${kind}`, async (t) => {
    const database = await createTestDatabase(kind, { migrate: false })
    t.teardown(() => database.drop())
    const env = database.env
    const db = database.handle.db

    t.test('migrate applies the schema once, then reports it up to date', async (t) => {
      const first = run('migrate', [], env)
      t.equal(first.status, 0, first.stderr)
      t.match(first.stdout, /applied 0001_initial/)
      const second = run('migrate', [], env)
      t.equal(second.status, 0)
      t.match(second.stdout, /up to date/)
    })

    t.test('create-admin creates, then promotes, and refuses bad input', async (t) => {
      const created = run('create-admin', ['--username', 'Root', '--password', 'a sturdy admin passphrase', '--email', 'root@example.com'], env)
      t.equal(created.status, 0, created.stderr)
      t.match(created.stdout, /created admin "Root"/)
      const root = await db.selectFrom('users').select(['role', 'email']).where('username', '=', 'root').executeTakeFirstOrThrow()
      t.same(root, { role: 'admin', email: 'root@example.com' })

      await db
        .insertInto('users')
        .values({
          id: 'u-plain',
          username: 'plain',
          email: null,
          display_name: null,
          password_hash: 'x',
          role: 'user',
          status: 'active',
          created_at: 1,
          updated_at: 1,
          last_login_at: null,
          password_changed_at: 1,
        })
        .execute()
      const promoted = run('create-admin', ['--username', 'plain'], env)
      t.equal(promoted.status, 0, promoted.stderr)
      t.match(promoted.stdout, /promoted "plain" to admin/)
      t.equal((await db.selectFrom('users').select('role').where('id', '=', 'u-plain').executeTakeFirstOrThrow()).role, 'admin')

      for (const [args, message] of [
        [['--username', 'x!'], /username "x!" must be 3 to 32/],
        [['--username', 'newbie', '--password', 'password'], /too common|at least/],
        [['--username', 'ghost'], /does not exist; give a password/],
        [['--username', 'newbie', '--password', 'a sturdy admin passphrase', '--email', 'not-an-email'], /is not an email address/],
        [['--username', 'newbie', '--password', 'a sturdy admin passphrase', '--email', 'new\u202Ebie@example.com'], /is not an email address/],
        [['--username', 'newbie', '--password', 'a sturdy admin passphrase', '--email', 'newbie@exa mple.com'], /is not an email address/],
        [['--unknown-flag'], /Unknown option '--unknown-flag'/],
        [[], /--username \(or ADMIN_USERNAME\) is required/],
      ] as const) {
        const result = run('create-admin', [...args], env)
        t.equal(result.status, 2, `${args.join(' ')} exits 2`)
        t.match(result.stderr, message)
      }
      const count = await db.selectFrom('users').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      t.equal(Number(count.n), 2, 'bad input created nobody')
    })

    t.test('rotate-keys adds a key and retires the old one', async (t) => {
      const before = await db.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).execute()
      const result = run('rotate-keys', [], env)
      t.equal(result.status, 0, result.stderr)
      const kid = /now signing with (\S+)/.exec(result.stdout)?.[1]
      const active = await db.selectFrom('signing_keys').select('kid').where('retired_at', 'is', null).execute()
      t.same(
        active.map((k) => k.kid),
        [kid],
      )
      t.notOk(before.some((k) => k.kid === kid))
    })

    t.test('create-client prints the secret once and stores only its hash', async (t) => {
      const result = run('create-client', ['--name', 'user-service'], env)
      t.equal(result.status, 0, result.stderr)
      const id = /CLIENT_ID=(\S+)/.exec(result.stdout)?.[1] ?? ''
      const secret = /CLIENT_SECRET=(\S+)/.exec(result.stdout)?.[1] ?? ''
      t.match(id, /^user-service-/)
      t.ok(secret.length >= 43)
      const row = await db.selectFrom('service_clients').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
      t.not(row.secret_hash, secret)
      t.equal(row.scopes, 'sessions:revoke revocations:read identity:issue')
      const again = run('create-client', ['--name', 'user-service'], env)
      t.equal(again.status, 2)
      t.match(again.stderr, /already exists/)
      const badScope = run('create-client', ['--name', 'other', '--scopes', 'everything'], env)
      t.equal(badScope.status, 2)
      t.match(badScope.stderr, /unknown scope everything/)
      const badName = run('create-client', ['--name', 'Bad Name'], env)
      t.equal(badName.status, 2)
    })

    t.test('a bad setting is named', async (t) => {
      const result = run('migrate', [], { ...env, DATABASE_URL: 'postgres://nope' })
      t.equal(result.status, 2)
      t.match(result.stderr, /DATABASE_URL must start with mysql:\/\/ or mariadb:\/\//)
    })
  })
}
