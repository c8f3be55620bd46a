// Runs one of auth's commands (pnpm migrate, create-admin, rotate-keys, create-client) as its own process, as an operator would.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { TEST_ENV } from './auth-app.ts'
import { inheritedPath } from './settings.ts'

/** An auth command's script, found through the package: `@portcullis/auth/commands/migrate`. */
const commandScript = (command: string) => fileURLToPath(import.meta.resolve(`@portcullis/auth/commands/${command}`))

export interface CommandResult {
  status: number | null
  stdout: string
  stderr: string
}

export function runCommand(command: string, args: string[], env: Record<string, string>): CommandResult {
  const result = spawnSync(process.execPath, [commandScript(command), ...args], {
    env: { ...inheritedPath(), ...TEST_ENV, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}
