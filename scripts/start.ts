// pnpm start: prepares the embedded (or MySQL) database, then runs auth, user, admin, the OpenID Connect provider (oidc) and
// the gateway, each as its own process.
import { announceReady } from './stack/ready-banner.ts'
import { loadStackConfig } from './stack/settings.ts'
import { runStackCommand } from './stack/stack-command.ts'
import { startStack } from './stack/start-stack.ts'

runStackCommand(async (supervisor) => {
  const config = loadStackConfig()
  const stack = await startStack(config, { supervisor })
  announceReady(`http://localhost:${config.gateway.port}`, stack)
})
