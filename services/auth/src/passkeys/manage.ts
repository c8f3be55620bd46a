// The signed-in user's passkeys: renaming one, and removing one (the last second factor gone takes the recovery codes with
// it, as turning the authenticator app off does). Each change is audited.
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import type { User } from '@portcullis/shared/db/schema'
import { NotFound } from '@portcullis/shared/errors'
import type { RequestOrigin } from '@portcullis/shared/request-origin'
import { dropCodesWithoutFactor } from '../mfa/recovery-codes.ts'
import type { AuthContext } from '../plugins/app/context.ts'
import { deletePasskey, findOwnPasskey, type PasskeyRow, renamePasskey } from './store.ts'

export async function renameOwnPasskey(auth: AuthContext, user: User, id: string, name: string, origin: RequestOrigin): Promise<PasskeyRow> {
  const trimmed = name.trim()
  if (!(await renamePasskey(auth.db, user.id, id, trimmed))) throw new NotFound()
  const passkey = await findOwnPasskey(auth.db, user.id, id)
  if (!passkey) throw new NotFound()
  await recordAuditEvent(
    auth.db,
    { type: 'passkey_renamed', userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent, detail: { passkey_id: id, name: trimmed } },
    auth.now(),
  )
  return passkey
}

export async function removeOwnPasskey(auth: AuthContext, user: User, id: string, origin: RequestOrigin): Promise<void> {
  const now = auth.now()
  await auth.db.transaction().execute(async (trx) => {
    const passkey = await findOwnPasskey(trx, user.id, id)
    if (!passkey || !(await deletePasskey(trx, user.id, id))) throw new NotFound()
    const audit = { userId: user.id, actorId: user.id, ip: origin.ip, userAgent: origin.userAgent }
    await recordAuditEvent(trx, { ...audit, type: 'passkey_removed', detail: { passkey_id: id, name: passkey.name } }, now)
    if (await dropCodesWithoutFactor(trx, user.id)) await recordAuditEvent(trx, { ...audit, type: 'mfa_disabled', detail: { method: 'passkey' } }, now)
  })
}
