// The frame of the oidc commands, as auth's (services/auth/src/commands/run-command.ts): parse the arguments, open the
// database on the provider's settings, say what is wrong in one line and exit 2 on bad input, 1 on a failure.
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { connectDatabase } from '@portcullis/database/connect'
import { describeDatabaseError } from '@portcullis/shared/db/describe-error'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { ConfigError } from '@portcullis/shared/settings/load'
import { loadOidcConfig, type OidcConfig } from '../config.ts'

export class UsageError extends Error {
  override name = 'UsageError'
}

export type CommandOptions = NonNullable<ParseArgsConfig['options']>

/** Refusals of what the operator typed: said as they are, with the usage when it is about the arguments. */
const INPUT_ERRORS = new Set(['UsageError', 'InvalidOidcClient', 'OidcClientExists', 'MigrationFailed'])

export async function runCommand(
  name: string,
  usage: string,
  options: CommandOptions,
  body: (args: Record<string, string | boolean | string[] | undefined>, context: { config: OidcConfig; database: DatabaseHandle }) => Promise<void>,
): Promise<void> {
  let database: DatabaseHandle | undefined
  let config: OidcConfig | undefined
  try {
    const { values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false })
    if (values.help) {
      console.log(usage)
      return
    }
    config = loadOidcConfig()
    database = connectDatabase(config)
    await body(values as Record<string, string | boolean | string[] | undefined>, { config, database })
  } catch (error) {
    const sentence = config ? describeDatabaseError(error, config) : undefined
    if (sentence) {
      console.error(`${name}: ${sentence}`)
      process.exitCode = 1
      return
    }
    const known = error instanceof Error && INPUT_ERRORS.has(error.name)
    const argsError = error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
    if (known || argsError || error instanceof ConfigError) {
      console.error(`${name}: ${(error as Error).message}`)
      if (argsError || error instanceof UsageError || (error as Error).name === 'InvalidOidcClient') console.error(usage)
      process.exitCode = 2
    } else {
      console.error(`${name}: failed:`, error instanceof Error ? error.message : error)
      process.exitCode = 1
    }
  } finally {
    await database?.close().catch(() => {})
  }
}
