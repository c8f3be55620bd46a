// pnpm create-oidc-client --name N --redirect-uri URI [--redirect-uri …] [--public] [--first-party]: registers a relying
// party of our OpenID Connect provider and prints its CLIENT_ID, and for a confidential client its CLIENT_SECRET, once.
import { COMMAND_LINE_ACTOR } from '@portcullis/shared/audit/parties'
import { migrateToLatest } from '@portcullis/shared/db/migrate'
import { clientRedirectUris, registerOidcClient } from '@portcullis/shared/oidc/clients'
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
    // The client and its audit event (oidc_client_created, never the secret) are written together, or neither.
    const { client: registered, clientId, clientSecret } = await registerOidcClient(database.db, client, { actorId: COMMAND_LINE_ACTOR }, Date.now())
    console.log(`create-oidc-client: created ${isPublic ? 'public' : 'confidential'} client "${name}" (${clientRedirectUris(registered).join(', ')})`)
    console.log(`CLIENT_ID=${clientId}`)
    if (clientSecret !== undefined) {
      console.log(`CLIENT_SECRET=${clientSecret}`)
      console.log('The secret is shown only now; store it where the client reads it.')
    } else {
      console.log('A public client has no secret: it must use PKCE (S256).')
    }
  },
)
