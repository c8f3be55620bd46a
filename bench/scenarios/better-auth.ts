// 7. A peer in the same run: Better Auth (email and password, SQLite) sign-in and session check against our login and profile read.
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { BENCH_PASSWORD, bearer, createAccount } from '../accounts.ts'
import { describeTiming, timeArgon2, timeBetterAuthScrypt } from '../hashing.ts'
import { ratio } from '../measure.ts'
import { startProcess } from '../processes.ts'
import type { Scenario } from '../scenario.ts'
import { ROOT } from '../settings.ts'

const EMAIL = 'bench-peer@bench.example'

/** Better Auth refuses a POST without an Origin it trusts (its CSRF check); a browser always sends one. */
function jsonFrom(origin: string): Record<string, string> {
  return { 'content-type': 'application/json', origin }
}

async function postJson(url: string, body: unknown): Promise<Response> {
  const res = await fetch(url, { method: 'POST', headers: jsonFrom(new URL(url).origin), body: JSON.stringify(body) })
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${await res.text()}`)
  return res
}

/** The session cookie Better Auth sets on sign-in, as a Cookie header. */
function sessionCookie(res: Response): string {
  const cookie = res.headers.getSetCookie().find((value) => value.startsWith('better-auth.session_token='))
  if (!cookie) throw new Error('Better Auth set no session cookie')
  return cookie.split(';', 1)[0] ?? ''
}

export const betterAuthScenario: Scenario = {
  id: 'better-auth',
  number: 7,
  title: 'Peer: Better Auth on SQLite vs Portcullis, same machine, same load',
  async run(context) {
    const dataDir = path.join(context.workDir, 'better-auth')
    await mkdir(dataDir, { recursive: true })
    const peer = await startProcess({
      name: 'better-auth',
      script: 'bench/peers/better-auth-server.ts',
      cwd: ROOT,
      env: { PEER_DATA_DIR: dataDir, BETTER_AUTH_SECRET: randomBytes(32).toString('hex'), NODE_ENV: 'production' },
      logDir: context.logDir,
    })
    context.onCleanup(peer.stop)
    await postJson(`${peer.url}/api/auth/sign-up/email`, { email: EMAIL, password: BENCH_PASSWORD, name: 'bench peer' })
    const cookie = sessionCookie(await postJson(`${peer.url}/api/auth/sign-in/email`, { email: EMAIL, password: BENCH_PASSWORD }))

    const stack = await context.sqliteStack()
    const [user] = stack.users
    if (!user) throw new Error('the stack has no user instance')
    const headers = bearer(await createAccount(stack, 'bench-peer'))
    const argon2 = await timeArgon2(context.settings.serviceEnv, 5)
    const scrypt = await timeBetterAuthScrypt(5)
    console.log(`bench:   ${describeTiming(argon2)}; ${describeTiming(scrypt)}`)

    const [ourLogin, theirSignIn] = await context.measure(
      {
        name: 'peer: Portcullis login (gateway → auth)',
        url: `${stack.url}/auth/login`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bench-peer', password: BENCH_PASSWORD }),
        processes: [stack.gateway, stack.auth],
      },
      {
        name: 'peer: Better Auth sign-in/email',
        url: `${peer.url}/api/auth/sign-in/email`,
        method: 'POST',
        headers: jsonFrom(peer.url),
        body: JSON.stringify({ email: EMAIL, password: BENCH_PASSWORD }),
        processes: [peer],
      },
    )
    const [ourProfile, theirSession] = await context.measure(
      { name: 'peer: Portcullis GET /user/profile (gateway → user)', url: `${stack.url}/user/profile`, headers, processes: [stack.gateway, user] },
      { name: 'peer: Better Auth get-session', url: `${peer.url}/api/auth/get-session`, headers: { cookie }, processes: [peer] },
    )
    if (!ourLogin || !theirSignIn || !ourProfile || !theirSession) throw new Error('a measurement is missing')
    await peer.stop()
    return {
      rows: [ourLogin, theirSignIn, ourProfile, theirSession],
      derived: [
        { label: 'req/s Better Auth sign-in ÷ our login', value: ratio(theirSignIn.requestsPerSecond, ourLogin.requestsPerSecond) },
        {
          label: 'same, each over its own hash bound',
          value: ratio(theirSignIn.requestsPerSecond / scrypt.boundPerSecond, ourLogin.requestsPerSecond / argon2.boundPerSecond),
          meaning: 'sign-in ÷ its own bound, Better Auth’s over ours: above 1 means Better Auth gets closer to its hash bound',
        },
        { label: 'req/s Better Auth get-session ÷ our profile read', value: ratio(theirSession.requestsPerSecond, ourProfile.requestsPerSecond) },
      ],
      notes: [
        `Hashes differ, so sign-in speed mostly compares them: ours ${describeTiming(argon2)}; Better Auth’s default ${describeTiming(scrypt)}.`,
        'Better Auth is one process (node:http, its own router, rate limit off like ours, cookie cache off as by default); get-session checks the signed cookie and reads the session and user rows.',
        'Ours is two processes for each call: the gateway verifies the EdDSA access token and proxies, and the user service verifies it again and reads the user and session rows; login writes a session, a refresh token and an audit event where Better Auth writes a session.',
      ],
    }
  },
}
