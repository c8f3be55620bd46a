// pnpm create-admin on a user that exists: a --password is checked against the password policy and set (the user's sessions
// end and the change is audited as the command line's), or refused with exit 2 and the policy's words; never ignored.
import t from 'tap'
import { testDatabaseKinds } from '@portcullis/testkit/databases'
import { STRONG_PASSWORD, signupAndLogin, startTestAuth } from '@portcullis/testkit/auth-app'
import { runCommand } from '@portcullis/testkit/auth-commands'

const NEW_PASSWORD = 'a brand new admin passphrase'

const run = (args: string[], env: Record<string, string>) => runCommand('create-admin', args, env)

for (const kind of testDatabaseKinds()) {
  t.test(`on ${kind}`, async (t) => {
    const { app, database } = await startTestAuth(t, kind)
    const db = database.handle.db
    const login = (username: string, password: string) => app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } })
    const refresh = (token: string) => app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } })

    t.test('a user promoted with a new password: set, its sessions ended, audited', async (t) => {
      const session = await signupAndLogin(app, 'plain')
      const result = run(['--username', 'plain', '--password', NEW_PASSWORD], database.env)
      t.equal(result.status, 0, result.stderr)
      t.match(result.stdout, /create-admin: promoted "plain" to admin; set the password given and ended 1 session/)
      t.equal((await login('plain', NEW_PASSWORD)).statusCode, 200, 'the new password signs in')
      t.equal((await login('plain', STRONG_PASSWORD)).statusCode, 401, 'the old one no longer does')
      t.equal((await refresh(session.refresh_token)).statusCode, 401, 'the session from before the change has ended')
      const event = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('type', '=', 'password_changed')
        .where('user_id', '=', session.user.id)
        .executeTakeFirstOrThrow()
      t.equal(event.actor_id, 'cli', 'a password change by the command line')
      t.match(JSON.parse(event.detail ?? '{}'), { by: 'create-admin', sessions_revoked: 1 })
    })

    t.test('an admin given a new password', async (t) => {
      t.equal(run(['--username', 'boss', '--password', 'the first boss passphrase'], database.env).status, 0)
      const before = (await login('boss', 'the first boss passphrase')).json<{ refresh_token: string }>()
      const result = run(['--username', 'boss', '--password', NEW_PASSWORD], database.env)
      t.equal(result.status, 0, result.stderr)
      t.match(result.stdout, /"boss" is already an admin; set the password given and ended 1 session/)
      t.equal((await login('boss', NEW_PASSWORD)).statusCode, 200)
      t.equal((await refresh(before.refresh_token)).statusCode, 401)
      const again = run(['--username', 'boss', '--password', NEW_PASSWORD], database.env)
      t.match(again.stdout, /the password given is already its password, so nothing else changed/, 'the same password again changes nothing')
    })

    t.test('a weak password for an existing user is refused with the policy’s words, and nothing changes', async (t) => {
      const session = await signupAndLogin(app, 'carol')
      for (const [weak, words] of [
        ['short', /at least 8 characters/],
        ['password', /too common/],
        ['carol2024carol', /must not be built from your username/],
        ['12345678', /sequence/],
      ] as const) {
        const result = run(['--username', 'carol', '--password', weak], database.env)
        t.equal(result.status, 2, `"${weak}" exits 2`)
        t.match(result.stderr, words, `"${weak}": the policy says why`)
      }
      const user = await db.selectFrom('users').select(['role']).where('username', '=', 'carol').executeTakeFirstOrThrow()
      t.equal(user.role, 'user', 'not promoted either')
      t.equal((await login('carol', STRONG_PASSWORD)).statusCode, 200, 'the password is as it was')
      t.equal((await refresh(session.refresh_token)).statusCode, 200, 'and the session lives')
    })

    t.test('without --password an existing user is only promoted', async (t) => {
      const session = await signupAndLogin(app, 'dave')
      const result = run(['--username', 'dave'], database.env)
      t.equal(result.status, 0, result.stderr)
      t.match(result.stdout, /create-admin: promoted "dave" to admin\n$/)
      t.equal((await refresh(session.refresh_token)).statusCode, 200, 'its sessions live on')
    })
  })
}
