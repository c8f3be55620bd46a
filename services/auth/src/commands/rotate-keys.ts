// pnpm rotate-keys: adds a new signing key; old keys stay published until the tokens they signed have expired.
import { COMMAND_LINE_ACTOR } from '@portcullis/shared/audit/parties'
import { migrateToLatest } from '@portcullis/shared/db/migrate'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { keyWrapping } from '@portcullis/shared/keys/private-key-wrapping'
import { rotateSigningKeys } from '@portcullis/shared/keys/store'
import { runCommand } from './run-command.ts'

await runCommand('rotate-keys', 'usage: pnpm rotate-keys', {}, async (_args, { config, database }) => {
  await migrateToLatest(database.db)
  const now = Date.now()
  const { kid, retired } = await rotateSigningKeys(database.db, config.signingAlgorithm, now, keyWrapping(config))
  await recordAuditEvent(database.db, { type: 'signing_key_rotated', actorId: COMMAND_LINE_ACTOR, detail: { kid, retired } }, now)
  console.log(
    `rotate-keys: now signing with ${kid} (${config.signingAlgorithm}); retired ${retired.length > 0 ? retired.join(', ') : 'none'}, still published for ${config.accessTokenTtl + 60} s`,
  )
})
