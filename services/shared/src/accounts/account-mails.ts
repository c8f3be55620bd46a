// The mails about an account, each written to the outbox with the database handle given (the transaction of the change
// that sends it): a reset or invitation link, a verification link, and the notices that tell an owner what was done.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.ts'
import { enqueueMail } from '../mail/outbox.ts'
import { type MailKind, renderMail } from '../mail/templates.ts'
import type { LinkConfig } from '../settings/links.ts'
import { issueLinkToken, linkUrl } from './link-tokens.ts'

export interface MailedAccount {
  id: string
  username: string
}

/** 1800 → "30 minutes", 86400 → "24 hours": how long a link works, as the mail says it. */
export function validFor(seconds: number): string {
  const [amount, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : [Math.max(1, Math.round(seconds / 60)), 'minute']
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`
}

async function send(db: Kysely<Database>, links: LinkConfig, kind: MailKind, to: string, userId: string, values: Record<string, string>, now: number) {
  await enqueueMail(db, { kind, to, userId, ...renderMail(kind, values, links.publicUrl) }, now)
}

/** A set-password link to `to`: `reset` for "forgot password" and an admin's reset, `invite` for an invited account. */
export async function mailPasswordLink(
  db: Kysely<Database>,
  links: LinkConfig,
  user: MailedAccount,
  to: string,
  purpose: 'reset' | 'invite',
  now: number,
): Promise<void> {
  const token = await issueLinkToken(db, { userId: user.id, purpose, email: to, ttlSeconds: links.resetTokenTtl }, now)
  const kind = purpose === 'reset' ? 'reset_password' : 'invite'
  await send(
    db,
    links,
    kind,
    to,
    user.id,
    { username: user.username, link: linkUrl(links.publicUrl, purpose, token), validFor: validFor(links.resetTokenTtl) },
    now,
  )
}

/** A link that proves `email` is the user's: their address after sign-up, or the one an email change waits for. */
export async function mailVerificationLink(db: Kysely<Database>, links: LinkConfig, user: MailedAccount, email: string, now: number): Promise<void> {
  const token = await issueLinkToken(db, { userId: user.id, purpose: 'verify', email, ttlSeconds: links.verifyTokenTtl }, now)
  await send(
    db,
    links,
    'verify_email',
    email,
    user.id,
    { username: user.username, email, link: linkUrl(links.publicUrl, 'verify', token), validFor: validFor(links.verifyTokenTtl) },
    now,
  )
}

function forgotLink(links: LinkConfig): string {
  return `${links.publicUrl}/forgot-password`
}

/** "Your password was changed", to the account's address after a reset. */
export async function mailPasswordChanged(db: Kysely<Database>, links: LinkConfig, user: MailedAccount, to: string, now: number): Promise<void> {
  await send(db, links, 'password_changed', to, user.id, { username: user.username, forgotLink: forgotLink(links) }, now)
}

/** "A recovery code was used to sign in": the owner hears of it, and of how many are left. */
export async function mailRecoveryCodeUsed(db: Kysely<Database>, links: LinkConfig, user: MailedAccount, to: string, left: number, now: number): Promise<void> {
  await send(db, links, 'recovery_code_used', to, user.id, { username: user.username, left: String(left), forgotLink: forgotLink(links) }, now)
}

/** "An administrator turned two-step verification off": the owner hears of it. */
export async function mailMfaReset(db: Kysely<Database>, links: LinkConfig, user: MailedAccount, to: string, now: number): Promise<void> {
  await send(db, links, 'mfa_reset', to, user.id, { username: user.username, forgotLink: forgotLink(links) }, now)
}

/** To the old address when an email change is asked for: the account's owner hears of it even if it was not them. */
export async function mailEmailChangeRequested(
  db: Kysely<Database>,
  links: LinkConfig,
  user: MailedAccount,
  change: { oldEmail: string; newEmail: string },
  now: number,
): Promise<void> {
  await send(
    db,
    links,
    'email_change_requested',
    change.oldEmail,
    user.id,
    { username: user.username, oldEmail: change.oldEmail, newEmail: change.newEmail, forgotLink: forgotLink(links) },
    now,
  )
}
