// Changing one's own display name and email: only real changes are written, each with an audit event naming the fields.
import type { Kysely } from 'kysely'
import { isUniqueViolation } from '@portcullis/shared/db/handle'
import type { Database, User } from '@portcullis/shared/db/schema'
import { EmailTaken, fieldProblem, validationFailed } from '@portcullis/shared/errors'
import { adminUsernames } from '@portcullis/shared/users/admin-usernames'
import { lookalikeMessage, lookalikeProblem } from '@portcullis/shared/users/lookalike-names'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { RequestOrigin } from '@portcullis/shared/request-origin'

export interface ProfileChanges {
  display_name?: string | null
  email?: string | null
}

type ProfileField = keyof ProfileChanges

/** Emails are compared case-insensitively, so they are stored lower-cased (as auth stores them at signup). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** Applies the changes and returns the updated user; throws EmailTaken when another user has the email. */
export async function updateProfile(db: Kysely<Database>, user: User, changes: ProfileChanges, origin: RequestOrigin, now: number): Promise<User> {
  const wanted: ProfileChanges = {}
  if (changes.display_name !== undefined) wanted.display_name = changes.display_name
  if (changes.email !== undefined) wanted.email = changes.email === null ? null : normalizeEmail(changes.email)
  const changed = (Object.keys(wanted) as ProfileField[]).filter((field) => wanted[field] !== user[field]).sort()
  if (changed.length === 0) return user
  // An admin may call themselves "Admin"; anyone else may not pass for one.
  if (wanted.display_name && changed.includes('display_name') && user.role !== 'admin') {
    const lookalike = lookalikeProblem(wanted.display_name, await adminUsernames(db))
    if (lookalike) throw validationFailed([fieldProblem('display_name', lookalikeMessage(lookalike), lookalike.kind === 'reserved' ? 'reserved' : 'lookalike')])
  }

  const values: ProfileChanges = {}
  for (const field of changed) values[field] = wanted[field]
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ ...values, updated_at: now })
        .where('id', '=', user.id)
        .execute()
      await recordAuditEvent(
        trx,
        { type: 'profile_updated', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { changed } },
        now,
      )
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTaken()
    throw error
  }
  return { ...user, ...values, updated_at: now }
}
