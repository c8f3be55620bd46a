// pnpm start: prepares the embedded (or MySQL) database, then runs auth, user, admin and the gateway, each as its own process.
import { ConfigError, loadConfig } from '@portcullis/shared/config'
import { startStack } from './stack/start-stack.ts'
import { createSupervisor } from './stack/supervisor.ts'

async function main(): Promise<void> {
  const config = loadConfig()
  const supervisor = createSupervisor(() => void shutdown(1))
  let closing = false
  async function shutdown(code: number): Promise<void> {
    if (closing) return
    closing = true
    await supervisor.stopAll('SIGTERM')
    process.exit(code)
  }
  process.on('SIGINT', () => void shutdown(0))
  process.on('SIGTERM', () => void shutdown(0))

  await startStack(config, { supervisor })
  console.log(`portcullis: ready at http://localhost:${config.port} (API docs at /docs)`)
}

main().catch((error: unknown) => {
  console.error(
    `portcullis: ${error instanceof ConfigError ? `configuration error: ${error.message}` : error instanceof Error ? error.message : String(error)}`,
  )
  process.exit(error instanceof ConfigError ? 2 : 1)
})
