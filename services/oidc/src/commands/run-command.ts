// The frame of the oidc commands (create-oidc-client): the database commands' one frame (services/database/src/command.ts)
// on the provider's settings, with its refusals of what the operator typed.
import { commandRunner } from '@portcullis/database/command'
import { loadOidcConfig } from '../config.ts'

export { UsageError } from '@portcullis/database/command'

export const runCommand = commandRunner({
  loadConfig: () => loadOidcConfig(),
  inputErrors: ['InvalidOidcClient', 'OidcClientExists', 'MigrationFailed'],
  usageErrors: ['InvalidOidcClient'],
})
