// Changing one's own display name and email: only real changes are written, each with an audit event naming the fields.
// An email change needs a recent sign-in (step-up) and the current password (a stolen session alone cannot move the
// account's recovery address); unless EMAIL_VERIFICATION=off the new address only waits (`pending_email`) for its
// verification link, and the old address is told. Clearing the address takes effect at once.
import type { Kysely } from 'kysely'
import { mailEmailChangeRequested, mailVerificationLink } from '@portcullis/shared/accounts/account-mails'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { isUniqueViolation } from '@portcullis/shared/db/handle'
import type { Database, User } from '@portcullis/shared/db/schema'
import { EmailTaken, fieldProblem, validationFailed } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import type { LinkConfig } from '@portcullis/shared/settings/links'
import { requireRecentAuth } from '@portcullis/shared/tokens/recent-auth'
import { adminUsernames } from '@portcullis/shared/users/admin-usernames'
import { normalizeLogin } from '@portcullis/shared/users/new-user'
import { lookalikeMessage, lookalikeProblem } from '@portcullis/shared/users/lookalike-names'
import { isCurrentPassword } from './current-password.ts'

export interface ProfileChanges {
  display_name?: string | null
  email?: string | null
  current_password?: string
}

export interface ProfileUpdate {
  db: Kysely<Database>
  links: LinkConfig
  now: number
  origin: RequestOrigin
  /** When the user last proved themselves on this session (the token's auth_time, ms), and how recent that must be. */
  stepUp: { authTime: number; maxAgeSeconds: number }
}

type UserValues = Partial<Pick<User, 'display_name' | 'email' | 'email_verified_at' | 'pending_email'>>

/** Applies the changes and returns the updated user; throws EmailTaken when another user has the email. */
export async function updateProfile(update: ProfileUpdate, user: User, changes: ProfileChanges): Promise<User> {
  const { db, links, now, origin, stepUp } = update
  const values: UserValues = {}
  const changed: string[] = []
  if (changes.display_name !== undefined && changes.display_name !== user.display_name) {
    // An admin may call themselves "Admin"; anyone else may not pass for one.
    if (changes.display_name && user.role !== 'admin') {
      const lookalike = lookalikeProblem(changes.display_name, await adminUsernames(db))
      if (lookalike)
        throw validationFailed([fieldProblem('display_name', lookalikeMessage(lookalike), lookalike.kind === 'reserved' ? 'reserved' : 'lookalike')])
    }
    values.display_name = changes.display_name
    changed.push('display_name')
  }

  const email = changes.email === undefined ? undefined : changes.email === null ? null : normalizeLogin(changes.email)
  let verifying: string | null = null
  if (email !== undefined && email === user.email && user.pending_email !== null) {
    values.pending_email = null // back to the address it has: the change waiting is dropped
    changed.push('pending_email')
  } else if (email !== undefined && email !== user.email && (email === null || email !== user.pending_email)) {
    requireRecentAuth(stepUp, stepUp.maxAgeSeconds, now)
    await checkCurrentPassword(user, changes.current_password)
    if (email === null || links.emailVerification === 'off') {
      Object.assign(values, { email, email_verified_at: null, pending_email: null })
      changed.push('email')
    } else {
      if (await emailInUse(db, email, user.id)) throw new EmailTaken()
      values.pending_email = email
      verifying = email
      changed.push('pending_email')
    }
  }
  if (changed.length === 0) return user
  changed.sort()

  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ ...values, updated_at: now })
        .where('id', '=', user.id)
        .execute()
      const event = verifying ? 'email_change_requested' : 'profile_updated'
      await recordAuditEvent(trx, { type: event, userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { changed } }, now)
      if (verifying) {
        await mailVerificationLink(trx, links, user, verifying, now)
        if (user.email) await mailEmailChangeRequested(trx, links, user, { oldEmail: user.email, newEmail: verifying }, now)
      }
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new EmailTaken()
    throw error
  }
  return { ...user, ...values, updated_at: now }
}

async function checkCurrentPassword(user: User, password: string | undefined): Promise<void> {
  if (password === undefined || password === '') {
    throw validationFailed([fieldProblem('current_password', 'is needed to change your email address', 'required', 'Your current password')])
  }
  if (!(await isCurrentPassword(user.password_hash, password))) {
    throw validationFailed([fieldProblem('current_password', 'is not your current password', 'wrong_password', 'That')])
  }
}

/** Whether another account has the address as its email (a pending one proves nothing yet, so it does not count). */
async function emailInUse(db: Kysely<Database>, email: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('email', '=', email).where('id', '!=', userId).executeTakeFirst()
  return row !== undefined
}
