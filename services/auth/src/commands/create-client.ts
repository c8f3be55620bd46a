// pnpm create-client --name NAME [--scopes "a b"]: registers a service client and prints its secret once.
import { COMMAND_LINE_ACTOR } from '@portcullis/shared/audit/parties'
import { migrateToLatest } from '@portcullis/shared/db/migrate'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { createServiceClient, INTERNAL_SCOPES } from '../clients/service-clients.ts'
import { runCommand, UsageError } from './run-command.ts'

const usage = `usage: pnpm create-client --name NAME [--scopes "${INTERNAL_SCOPES.join(' ')}"]`

await runCommand('create-client', usage, { name: { type: 'string' }, scopes: { type: 'string' } }, async (args, { database }) => {
  const name = args.name as string | undefined
  if (!name || !/^[a-z][a-z0-9-]{1,40}$/.test(name)) throw new UsageError('--name must be 2 to 41 lower-case letters, digits or dashes')
  const scopes = ((args.scopes as string | undefined) ?? INTERNAL_SCOPES.join(' ')).split(/[\s,]+/).filter(Boolean)
  const unknown = scopes.filter((scope) => !(INTERNAL_SCOPES as readonly string[]).includes(scope))
  if (unknown.length > 0) throw new UsageError(`unknown scope ${unknown.join(', ')}; known: ${INTERNAL_SCOPES.join(', ')}`)
  await migrateToLatest(database.db)
  const now = Date.now()
  const { clientId, clientSecret } = await createServiceClient(database.db, name, scopes, now)
  await recordAuditEvent(database.db, { type: 'service_client_created', actorId: COMMAND_LINE_ACTOR, detail: { client_id: clientId, scopes } }, now)
  console.log(`create-client: created ${clientId} with scopes "${scopes.join(' ')}"`)
  console.log(`CLIENT_ID=${clientId}`)
  console.log(`CLIENT_SECRET=${clientSecret}`)
  console.log('The secret is shown only now; store it where the service reads it.')
})
