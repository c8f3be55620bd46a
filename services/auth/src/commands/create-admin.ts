// pnpm create-admin --username NAME [--password PW] [--email E]: creates an admin, or promotes an existing user; a password
// given for an existing user is checked against the password policy and set, ending that user's sessions.
import { Email } from '@portcullis/shared/api/auth'
import { migrateToLatest } from '@portcullis/shared/db/migrate'
import { conformsTo } from '@portcullis/shared/validation'
import { argon2Parameters, createPasswordHasher } from '../passwords/hash.ts'
import { ensureAdmin } from '../users/ensure-admin.ts'
import { runCommand, UsageError } from './run-command.ts'

const usage =
  'usage: pnpm create-admin --username NAME [--password PASSWORD] [--email EMAIL]\n  (falls back to ADMIN_USERNAME and ADMIN_PASSWORD; an existing user is promoted, and given the password if one is given)'

await runCommand(
  'create-admin',
  usage,
  { username: { type: 'string' }, password: { type: 'string' }, email: { type: 'string' } },
  async (args, { config, database }) => {
    const username = (args.username as string | undefined) ?? config.adminUsername
    const password = (args.password as string | undefined) ?? config.adminPassword
    const email = args.email as string | undefined
    if (!username) throw new UsageError('--username (or ADMIN_USERNAME) is required')
    // The sign-up schema's own rule, so an operator cannot store an address (or a bidi trick) that sign-up would refuse.
    if (email !== undefined && !conformsTo(Email, email)) throw new UsageError(`--email ${JSON.stringify(email)} is not an email address`)
    await migrateToLatest(database.db)
    const passwords = await createPasswordHasher(argon2Parameters(config))
    const result = await ensureAdmin(database.db, passwords, { username, password, email }, config, Date.now(), 'set')
    const messages = { created: `created admin "${username}"`, promoted: `promoted "${username}" to admin`, already_admin: `"${username}" is already an admin` }
    const sessions = result.sessionsRevoked === 1 ? '1 session' : `${result.sessionsRevoked} sessions`
    const passwordNote =
      result.outcome === 'created' || password === undefined
        ? ''
        : result.passwordSet
          ? `; set the password given and ended ${sessions} (recorded as a password change by the command line)`
          : '; the password given is already its password, so nothing else changed'
    console.log(`create-admin: ${messages[result.outcome]}${passwordNote}`)
  },
)
