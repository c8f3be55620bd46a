// The frame of `pnpm start` and `pnpm start:tls`: one supervisor for the command's life; Ctrl-C, SIGTERM or a child that keeps
// crashing stop every child and exit; a configuration error exits 2 with its message, any other failure 1.
import { ConfigError } from '@portcullis/shared/config'
import { createSupervisor, type Supervisor } from './supervisor.ts'

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

  main(supervisor).catch((error: unknown) => {
    console.error(
      `portcullis: ${error instanceof ConfigError ? `configuration error: ${error.message}` : error instanceof Error ? error.message : String(error)}`,
    )
    process.exit(error instanceof ConfigError ? 2 : 1)
  })
}
