// 3. POST /auth/refresh through the gateway on SQLite and on MariaDB: every answer rotates the token, so each request writes.
import type autocannon from 'autocannon'
import { createSession } from '@portcullis/auth/sessions/create'
import { sessionPolicy } from '@portcullis/auth/sessions/policy'
import { loadAuthConfig } from '@portcullis/auth/config'
import { createAccount } from '../accounts.ts'
import { ratio, type Target } from '../measure.ts'
import type { Scenario } from '../scenario.ts'
import type { BenchSettings } from '../settings.ts'
import type { BenchStack } from '../stack.ts'

/**
 * Refresh tokens are good once, so requests draw a live token from a pool and every 200 puts the rotated one back; no token is
 * presented twice. Each run's end loses the tokens still in flight, so the pool starts with enough sessions for every run: one from
 * a real login, the rest made as login makes them.
 */
export async function refreshTarget(settings: Pick<BenchSettings, 'connections' | 'rounds' | 'serviceEnv'>, stack: BenchStack, name: string): Promise<Target> {
  const { connections, rounds, serviceEnv } = settings
  const login = await createAccount(stack, `bench-refresh-${stack.kind}`)
  const pool: string[] = [login.refresh_token]
  const policy = sessionPolicy(loadAuthConfig({ ...serviceEnv }))
  const origin = { ip: '127.0.0.1', userAgent: 'portcullis-bench' }
  while (pool.length < connections * (rounds + 2) * 2) {
    pool.push((await createSession(stack.database.handle.db, login.user.id, 'token', origin, policy, Date.now())).refreshToken)
  }
  return {
    name,
    url: `${stack.url}/auth/refresh`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    setupRequest: (request: autocannon.Request) => ({ ...request, body: JSON.stringify({ refresh_token: pool.pop() ?? 'pool-ran-dry' }) }),
    onResponse: (status, body) => {
      if (status === 200) pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token)
    },
    processes: [stack.gateway, stack.auth],
  }
}

export const refreshScenario: Scenario = {
  id: 'refresh',
  number: 3,
  title: 'POST /auth/refresh (rotation writes): SQLite vs MariaDB',
  async run(context) {
    const notes: string[] = [
      'Each refresh looks the token up by its SHA-256, marks it rotated, inserts the next one, touches the session and signs a new EdDSA access token.',
    ]
    const targets = [await refreshTarget(context.settings, await context.sqliteStack(), 'refresh: gateway → auth, SQLite')]
    let mariadb: BenchStack | undefined
    try {
      mariadb = await context.startStack('mysql', 'mariadb-')
      targets.push(await refreshTarget(context.settings, mariadb, 'refresh: gateway → auth, MariaDB'))
    } catch (error) {
      notes.push(`MariaDB skipped: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`)
    }
    const rows = await context.measure(...targets)
    await mariadb?.stop()
    const poolSize = context.settings.serviceEnv.DB_POOL_SIZE ?? '10 (default)'
    notes.push(
      `MariaDB through a mysql2 pool of DB_POOL_SIZE ${poolSize} per process, InnoDB at the server's settings; SQLite in WAL mode with synchronous=NORMAL, one connection per process.`,
    )
    return {
      rows,
      derived: [{ label: 'req/s MariaDB ÷ SQLite', value: ratio(rows[1]?.requestsPerSecond, rows[0]?.requestsPerSecond) }],
      notes,
    }
  },
}
