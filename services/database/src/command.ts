// The frame of every command that works on the database (auth's migrate, create-admin, create-client, rotate-keys; oidc's
// create-oidc-client): parse the arguments, load the process's settings, open the database, and say what went wrong in one
// line: a refusal of what the operator typed exits 2 (with the usage when it is about the arguments), a database that
// cannot be reached says what to fix, anything else exits 1.
import { type ParseArgsConfig, parseArgs } from 'node:util'
import type { DatabaseHandle } from '@portcullis/shared/db/handle'
import { describeDatabaseError } from '@portcullis/shared/db/describe-error'
import type { DatabaseConfig } from '@portcullis/shared/settings/database'
import { ConfigError } from '@portcullis/shared/settings/load'
import { connectDatabase } from './connect.ts'

export class UsageError extends Error {
  override name = 'UsageError'
}

export type CommandOptions = NonNullable<ParseArgsConfig['options']>
export type CommandArgs = Record<string, string | boolean | string[] | undefined>

export interface CommandFrame<Config extends DatabaseConfig> {
  loadConfig: () => Config
  /** Names of the errors that refuse what the operator typed (besides UsageError and ConfigError): exit 2, the message. */
  inputErrors: readonly string[]
  /** Of those, the ones about the arguments: the usage is printed too. */
  usageErrors?: readonly string[]
}

export function commandRunner<Config extends DatabaseConfig>(frame: CommandFrame<Config>) {
  const input = new Set(['UsageError', 'ConfigError', ...frame.inputErrors])
  const usageToo = new Set(['UsageError', ...(frame.usageErrors ?? [])])
  return async function runCommand(
    name: string,
    usage: string,
    options: CommandOptions,
    body: (args: CommandArgs, context: { config: Config; database: DatabaseHandle }) => Promise<void>,
  ): Promise<void> {
    let database: DatabaseHandle | undefined
    let config: Config | undefined
    try {
      const { values } = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false })
      if (values.help) {
        console.log(usage)
        return
      }
      config = frame.loadConfig()
      database = connectDatabase(config)
      await body(values as CommandArgs, { config, database })
    } catch (error) {
      // A wrong DATABASE_URL or DATA_DIR is said as what to fix ("cannot reach MariaDB at …"), not as "migration (unknown) failed".
      const sentence = config ? describeDatabaseError(error, config) : undefined
      if (sentence) {
        console.error(`${name}: ${sentence}`)
        process.exitCode = 1
        return
      }
      const argsError = error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')
      if (argsError || error instanceof ConfigError || (error instanceof Error && input.has(error.name))) {
        console.error(`${name}: ${(error as Error).message}`)
        if (argsError || (error instanceof Error && usageToo.has(error.name))) console.error(usage)
        process.exitCode = 2
      } else {
        console.error(`${name}: failed:`, error instanceof Error ? error.message : error)
        process.exitCode = 1
      }
    } finally {
      await database?.close().catch(() => {})
    }
  }
}
