// Runs one of auth's commands (pnpm migrate, create-admin, rotate-keys, create-client) as its own process, as an operator would.
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { TEST_ENV } from './auth-app.ts'

const commands = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/commands')

export interface CommandResult {
  status: number | null
  stdout: string
  stderr: string
}

export function runCommand(command: string, args: string[], env: Record<string, string>): CommandResult {
  const result = spawnSync(process.execPath, [path.join(commands, `${command}.ts`), ...args], {
    env: { PATH: process.env.PATH ?? '', ...TEST_ENV, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}
