// pnpm start: prepares the embedded (or MySQL) database, then runs each Portcullis service as its own process.
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError, loadConfig } from '@portcullis/shared/config'
import { connectDatabase } from '@portcullis/shared/db/connect'
import { bootstrapStack } from '@portcullis/auth/bootstrap'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

async function main(): Promise<void> {
  const config = loadConfig()
  const database = connectDatabase(config)
  try {
    const result = await bootstrapStack(config, database)
    if (result.migrations.length > 0) console.log(`portcullis: migrated ${database.kind} database (${result.migrations.join(', ')})`)
    if (result.admin.generatedPassword) {
      console.log(`portcullis: created admin "${result.admin.username}" with password: ${result.admin.generatedPassword}`)
      console.log('portcullis: this password is shown once; set ADMIN_PASSWORD to choose your own')
    } else if (result.admin.outcome === 'created' || result.admin.outcome === 'promoted') {
      console.log(`portcullis: admin "${result.admin.username}" ${result.admin.outcome}`)
    }
  } finally {
    await database.close()
  }

  // Until the gateway exists, the auth service itself answers on PORT at DESIGN.md's /auth paths.
  const children: ChildProcess[] = []
  const auth = spawn(process.execPath, [path.join(root, 'services/auth/src/server.ts')], {
    env: { ...process.env, PORT: String(config.port), DATA_DIR: config.dataDir },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  children.push(auth)
  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    stopping = true
    for (const child of children) child.kill(signal)
  }
  process.on('SIGINT', () => stop('SIGTERM'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  auth.on('exit', (code, signal) => {
    if (!stopping) console.error(`portcullis: auth exited (${signal ?? code}); stopping`)
    process.exit(stopping ? 0 : 1)
  })
  await waitUntilReady(`http://127.0.0.1:${config.port}/readyz`)
  console.log(`portcullis: ready at http://localhost:${config.port} (try POST /auth/signup)`)
}

async function waitUntilReady(url: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url)
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`${url} did not become ready within 30 s`)
}

main().catch((error: unknown) => {
  console.error(`portcullis: ${error instanceof ConfigError ? `configuration error: ${error.message}` : error instanceof Error ? error.message : String(error)}`)
  process.exit(error instanceof ConfigError ? 2 : 1)
})
