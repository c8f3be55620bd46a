// Shared frame of the auth commands: parse arguments, open the database, print a clear message and exit non-zero on bad input.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { connectDatabase } from '@portcullis/database/connect'
import { describeDatabaseError } from '@portcullis/shared/db/describe-error'
import { ConfigError } from '@portcullis/shared/settings/load'
import { type AuthConfig, loadAuthConfig } from '../config.ts'

export class UsageError extends Error {
  override name = 'UsageError'
}

export type CommandOptions = NonNullable<ParseArgsConfig['options']>

export async function runCommand<T extends CommandOptions>(
  name: string,
  usage: string,
  options: T,
  body: (args: Record<string, string | boolean | undefined>, context: { config: AuthConfig; database: DatabaseHandle }) => Promise<void>,
): Promise<void> {
  let database: DatabaseHandle | undefined
  let config: AuthConfig | undefined
  try {
    const { values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false })
    if ((values as { help?: boolean }).help) {
      console.log(usage)
      return
    }
    config = loadAuthConfig()
    database = connectDatabase(config)
    await body(values as Record<string, string | boolean | undefined>, { config, database })
  } catch (error) {
    // A wrong DATABASE_URL or DATA_DIR is said as what to fix ("cannot reach MariaDB at …"), not as "migration (unknown) failed".
    const sentence = config ? describeDatabaseError(error, config) : undefined
    if (sentence) {
      console.error(`${name}: ${sentence}`)
      process.exitCode = 1
      return
    }
    const known = error instanceof Error && ['UsageError', 'ConfigError', 'InvalidAdminInput', 'ServiceClientExists', 'MigrationFailed'].includes(error.name)
    const argsError = error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
    if (known || argsError || error instanceof ConfigError) {
      console.error(`${name}: ${(error as Error).message}`)
      if (argsError || error instanceof UsageError) console.error(usage)
      process.exitCode = 2
    } else {
      console.error(`${name}: failed:`, error instanceof Error ? error.message : error)
      process.exitCode = 1
    }
  } finally {
    await database?.close().catch(() => {})
  }
}
