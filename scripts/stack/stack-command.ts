// The frame of `pnpm start` and `pnpm start:tls`: one supervisor for the command's life; Ctrl-C, SIGTERM, the launcher (pnpm)
// going away or a child that keeps crashing stop every child and exit; a configuration error or a refused start (port or
// data folder taken) exits 2 with its message, any other failure 1, and nothing is left running either way.
import { ConfigError } from '@portcullis/shared/settings/load'
import { watchLauncher } from './launcher-watch.ts'
import { StartRefused } from './start-refused.ts'
import { ChildStartFailed, createSupervisor, type Supervisor } from './supervisor.ts'

function exitCodeOf(error: unknown): number {
  if (error instanceof ConfigError || error instanceof StartRefused) return 2
  // A bad ADMIN_USERNAME or a weak ADMIN_PASSWORD, refused by the admin bootstrap.
  if (error instanceof Error && error.name === 'InvalidAdminInput') return 2
  if (error instanceof ChildStartFailed && error.exitCode === 2) return 2
  return 1
}

function messageOf(error: unknown): string {
  if (error instanceof ConfigError) return `configuration error: ${error.message}`
  return error instanceof Error ? error.message : String(error)
}

export function runStackCommand(main: (supervisor: Supervisor) => Promise<void>): void {
  let closing = false
  async function shutdown(code: number): Promise<void> {
    if (closing) return
    closing = true
    await supervisor.stopAll('SIGTERM')
    process.exit(code)
  }
  const supervisor = createSupervisor(() => void shutdown(1))
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))
  watchLauncher((why) => {
    console.error(`portcullis: ${why}; stopping the stack`)
    void shutdown(0)
  })

  main(supervisor).catch((error: unknown) => {
    console.error(`portcullis: ${messageOf(error)}`)
    void shutdown(exitCodeOf(error))
  })
}
