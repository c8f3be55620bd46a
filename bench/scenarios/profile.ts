// 1. GET /user/profile through the gateway, straight to the user service, through a bare Fastify proxy and a minimal undici
// proxy with no token check, beside the floors of this machine in the same minutes: a bare node:http server, and a reference
// profile service (Fastify, one prepared statement, the response schema) on the same database.
import { bearer, createAccount } from '../accounts.ts'
import { type Measurement, ratio } from '../measure.ts'
import { type BenchProcess, startProcess } from '../processes.ts'
import type { BenchContext, Derived, Scenario } from '../scenario.ts'
import { ROOT } from '../settings.ts'

/** A peer of bench/peers, stopped with the run. */
async function startPeer(context: BenchContext, name: string, env: Record<string, string>): Promise<BenchProcess> {
  const peer = await startProcess({ name, script: `bench/peers/${name}.ts`, cwd: ROOT, env, logDir: context.logDir })
  context.onCleanup(peer.stop)
  return peer
}

/** The bare proxy of bench/peers/bare-proxy.ts in front of one user instance, stopped with the run. */
export async function startBareProxy(context: BenchContext, upstream: BenchProcess): Promise<BenchProcess> {
  return startPeer(context, 'bare-proxy', { UPSTREAM: upstream.url })
}

function p99Over(a: Measurement, b: Measurement): number {
  return Math.round((a.latencyP99Ms - b.latencyP99Ms) * 10) / 10
}

export const profileScenario: Scenario = {
  id: 'profile',
  number: 1,
  title: 'GET /user/profile: gateway vs user service direct vs bare Fastify and undici proxies, beside bare node:http and a reference profile service',
  async run(context) {
    const stack = await context.sqliteStack()
    const [user] = stack.users
    if (!user) throw new Error('the stack has no user instance')
    const tokens = await createAccount(stack, 'bench-profile')
    const headers = bearer(tokens)
    const node = await startPeer(context, 'bare-node', {})
    const reference = await startPeer(context, 'reference-profile', { PEER_DATA_DIR: stack.database.env.DATA_DIR, PROFILE_USER_ID: tokens.user.id })
    const undici = await startPeer(context, 'undici-proxy', { UPSTREAM: user.url })
    const bare = await startBareProxy(context, user)
    const [floor, referenced, direct, undiciProxied, proxied, gateway] = await context.measure(
      { name: 'profile: bare node:http (small JSON)', url: `${node.url}/user/profile`, headers, processes: [node] },
      { name: 'profile: reference service (Fastify + one statement)', url: `${reference.url}/user/profile`, headers, processes: [reference] },
      { name: 'profile: user service direct', url: `${user.url}/user/profile`, headers, processes: [user] },
      { name: 'profile: undici proxy → user', url: `${undici.url}/user/profile`, headers, processes: [undici, user] },
      { name: 'profile: bare proxy → user', url: `${bare.url}/user/profile`, headers, processes: [bare, user] },
      { name: 'profile: gateway → user', url: `${stack.url}/user/profile`, headers, processes: [stack.gateway, user] },
    )
    if (!floor || !referenced || !direct || !undiciProxied || !proxied || !gateway) throw new Error('a measurement is missing')
    for (const peer of [node, reference, undici, bare]) await peer.stop()
    const rps = (m: Measurement) => m.requestsPerSecond
    const derived: Derived[] = [
      {
        label: 'req/s gateway ÷ bare node:http',
        value: ratio(rps(gateway), rps(floor)),
        meaning: 'the whole path (two processes, a token check in each, a database read) against the least one process can serve here',
      },
      {
        label: 'req/s user service ÷ reference service',
        value: ratio(rps(direct), rps(referenced)),
        meaning: "the user service's own work over Fastify and one statement: token check, session and user rows, hooks, logging",
      },
      { label: 'req/s reference service ÷ bare node:http', value: ratio(rps(referenced), rps(floor)), meaning: 'Fastify, a statement and a schema' },
      {
        label: 'req/s gateway ÷ direct',
        value: ratio(rps(gateway), rps(direct)),
        meaning: 'the whole cost of the gateway hop (proxy, token check, revocation list, hooks, security headers, logging)',
      },
      { label: 'req/s undici proxy ÷ direct', value: ratio(rps(undiciProxied), rps(direct)), meaning: 'the cost of the least proxy hop: a second process' },
      { label: 'req/s bare proxy ÷ direct', value: ratio(rps(proxied), rps(direct)), meaning: 'the cost of a Fastify + reply-from hop' },
      {
        label: 'req/s gateway ÷ undici proxy',
        value: ratio(rps(gateway), rps(undiciProxied)),
        meaning: 'what the gateway costs over the least proxy',
      },
      {
        label: 'req/s gateway ÷ bare proxy',
        value: ratio(rps(gateway), rps(proxied)),
        meaning: 'what the gateway adds to a bare Fastify hop: its token verification and its other plugins',
      },
      { label: 'p50 ms gateway − direct', value: Math.round((gateway.latencyP50Ms - direct.latencyP50Ms) * 10) / 10 },
      { label: 'p99 ms gateway − direct', value: p99Over(gateway, direct), meaning: 'the p99 the gateway adds' },
      {
        label: 'CPU ms per request: gateway ÷ user service (gateway path)',
        value: ratio(gateway.cpuMsPerRequest[stack.gateway.name], gateway.cpuMsPerRequest[user.name]),
      },
    ]
    return {
      rows: [floor, referenced, direct, undiciProxied, proxied, gateway],
      derived,
      notes: [
        'Every proxied path ends in the same user instance, which verifies the token itself and reads the user and session rows.',
        'The bare and undici proxies have the gateway’s undici settings (128 connections, keep-alive 30 s) and no logging; the gateway logs at the stack’s LOG_LEVEL.',
        'bare node:http answers a fixed small JSON; the reference service reads the same user row with one prepared statement and the same response schema, with no token check.',
      ],
    }
  },
}
