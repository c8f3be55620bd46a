// pnpm create-oidc-client --name N --redirect-uri URI [--redirect-uri …] [--public] [--first-party]: registers a relying
// party of our OpenID Connect provider and prints its CLIENT_ID, and for a confidential client its CLIENT_SECRET, once.
import { COMMAND_LINE_ACTOR } from '@portcullis/shared/audit/parties'
import { recordAuditEvent } from '@portcullis/shared/audit/record'
import { migrateToLatest } from '@portcullis/shared/db/migrate'
import { registerOidcClient } from '../clients/register.ts'
import { runCommand, UsageError } from './run-command.ts'

const usage = 'usage: pnpm create-oidc-client --name NAME --redirect-uri URI [--redirect-uri URI …] [--public] [--first-party]'

await runCommand(
  'create-oidc-client',
  usage,
  {
    name: { type: 'string' },
    'redirect-uri': { type: 'string', multiple: true },
    public: { type: 'boolean' },
    'first-party': { type: 'boolean' },
  },
  async (args, { database }) => {
    const name = args.name
    if (typeof name !== 'string') throw new UsageError('--name is needed: how the client is shown to users and in the console')
    const redirectUris = (args['redirect-uri'] as string[] | undefined) ?? []
    const isPublic = args.public === true
    await migrateToLatest(database.db)
    const client = { name, redirectUris, public: isPublic, firstParty: args['first-party'] === true }
    const now = Date.now()
    // The client and its audit event together, or neither.
    const { clientId, clientSecret } = await database.db.transaction().execute(async (trx) => {
      const registered = await registerOidcClient(trx, client, now)
      const detail = { client_id: registered.clientId, name, redirect_uris: redirectUris, public: client.public, first_party: client.firstParty }
      await recordAuditEvent(trx, { type: 'oidc_client_created', actorId: COMMAND_LINE_ACTOR, detail }, now)
      return registered
    })
    console.log(`create-oidc-client: created ${isPublic ? 'public' : 'confidential'} client "${name}" (${redirectUris.join(', ')})`)
    console.log(`CLIENT_ID=${clientId}`)
    if (clientSecret !== undefined) {
      console.log(`CLIENT_SECRET=${clientSecret}`)
      console.log('The secret is shown only now; store it where the client reads it.')
    } else {
      console.log('A public client has no secret: it must use PKCE (S256).')
    }
  },
)
