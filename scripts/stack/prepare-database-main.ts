// The one-shot process that prepares pnpm start's database (migrations, the first admin, the stack's service clients) and
// answers on its IPC channel: Kysely, both drivers, argon2 and auth's bootstrap load here and go when it exits, instead of
// staying for the whole life of the supervisor.
import { loadAuthConfig } from '@portcullis/auth/config'
import { prepareDatabase } from './prepare-database.ts'

const send = (message: unknown) => new Promise<void>((resolve) => process.send?.(message, () => resolve()))

try {
  const prepared = await prepareDatabase(loadAuthConfig())
  await send({ prepared })
} catch (error) {
  const { name, message } = error instanceof Error ? error : new Error(String(error))
  await send({ error: { name, message } })
}
process.disconnect?.()
