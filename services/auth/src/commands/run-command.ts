// The frame of the auth commands (migrate, create-admin, create-client, rotate-keys): the database commands' one frame
// (services/database/src/command.ts) on auth's settings, with auth's refusals of what the operator typed.
import { commandRunner } from '@portcullis/database/command'
import { loadAuthConfig } from '../config.ts'

export { UsageError } from '@portcullis/database/command'

export const runCommand = commandRunner({
  loadConfig: () => loadAuthConfig(),
  inputErrors: ['InvalidAdminInput', 'ServiceClientExists', 'MigrationFailed'],
})
