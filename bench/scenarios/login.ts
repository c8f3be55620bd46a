// 2. POST /auth/login through the gateway against the argon2 bound: cores ÷ the time of one hash at the configured parameters.
import { availableParallelism } from 'node:os'
import { BENCH_PASSWORD, createAccount } from '../accounts.ts'
import { argon2Throughput, describeTiming, timeArgon2 } from '../hashing.ts'
import { ratio } from '../measure.ts'
import type { Scenario } from '../scenario.ts'

const round = (value: number) => Math.round(value * 10) / 10

export const loginScenario: Scenario = {
  id: 'login',
  number: 2,
  title: 'POST /auth/login vs the argon2 bound',
  async run(context) {
    const stack = await context.sqliteStack()
    await createAccount(stack, 'bench-login')
    const argon2 = await timeArgon2(context.settings.serviceEnv)
    console.log(`bench:   ${describeTiming(argon2)}`)
    const [login] = await context.measure({
      name: 'login: gateway → auth',
      url: `${stack.url}/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench-login', password: BENCH_PASSWORD }),
      processes: [stack.gateway, stack.auth],
    })
    if (!login) throw new Error('the measurement is missing')
    const flatOut = await argon2Throughput(context.settings.serviceEnv, 3)
    console.log(`bench:   argon2 verifies/s with ${availableParallelism()} in flight: ${flatOut.toFixed(1)}`)
    const threadpool = context.settings.serviceEnv.UV_THREADPOOL_SIZE ?? '4 (default)'
    return {
      rows: [login],
      derived: [
        { label: 'argon2 bound, logins/s', value: round(argon2.boundPerSecond), meaning: describeTiming(argon2) },
        { label: 'login req/s ÷ argon2 bound', value: ratio(login.requestsPerSecond, argon2.boundPerSecond), meaning: 'how close login gets to pure hashing' },
        {
          label: 'argon2 verifies/s, every core hashing, measured right after',
          value: round(flatOut),
          meaning: 'the bound as this shared machine delivered it at that moment',
        },
        { label: 'login req/s ÷ that', value: ratio(login.requestsPerSecond, flatOut) },
      ],
      notes: [
        `Each login verifies one argon2id hash on libuv's thread pool (UV_THREADPOOL_SIZE ${threadpool}), then writes a session, a refresh token, last_login_at and an audit event.`,
        `The bound counts ${availableParallelism()} cores hashing and nothing else; the load generator, the gateway and SQLite share those same cores.`,
      ],
    }
  },
}
