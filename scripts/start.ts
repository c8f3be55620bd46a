// pnpm start: prepares the embedded (or MySQL) database, then runs auth, user, admin and the gateway, each as its own process.
import { loadConfig } from '@portcullis/shared/config'
import { runStackCommand } from './stack/stack-command.ts'
import { startStack } from './stack/start-stack.ts'

runStackCommand(async (supervisor) => {
  const config = loadConfig()
  await startStack(config, { supervisor })
  console.log(`portcullis: ready at http://localhost:${config.port} (API docs at /docs)`)
})
