// An admin invites someone by email: an account with no usable password yet, and a link to choose one (which also proves
// the address), written with the invitation's audit row in one transaction.
import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { mailPasswordLink } from '@portcullis/shared/accounts/account-mails'
import type { InviteUserRequest } from '@portcullis/shared/api/admin'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { Database, User } from '@portcullis/shared/db/schema'
import type { LinkConfig } from '@portcullis/shared/settings/links'
import { insertUser } from '@portcullis/shared/users/new-user'
import type { Actor } from './actor.ts'

/** Not an argon2 hash, so no password matches it until the invitation's link sets one. */
function noPasswordYet(): string {
  return `invited:${randomBytes(16).toString('base64url')}`
}

export async function inviteUser(db: Kysely<Database>, links: LinkConfig, invitation: InviteUserRequest, actor: Actor, now: number): Promise<User> {
  return db.transaction().execute(async (trx) => {
    const role = invitation.role ?? 'user'
    const user = await insertUser(trx, { username: invitation.username, email: invitation.email, passwordHash: noPasswordYet(), role }, now)
    await mailPasswordLink(trx, links, user, user.email as string, 'invite', now)
    await recordAuditEvent(
      trx,
      { type: 'user_invited', userId: user.id, actorId: actor.userId, ip: actor.ip, userAgent: actor.userAgent, detail: { role } },
      now,
    )
    return user
  })
}
