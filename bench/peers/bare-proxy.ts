// The baseline proxy of scenario 1: Fastify and @fastify/http-proxy in front of one user instance, with the gateway's upstream
// settings but no token check, no rate limit, no logging. Env: PORT, HOST, UPSTREAM.
import { loadPeerSettings } from '../settings.ts'
import { loadFastifyProxy } from '../workspace-modules.ts'

const { port, host, upstream } = loadPeerSettings()
if (!upstream) throw new Error('bare-proxy needs UPSTREAM')
const { fastify, httpProxy } = loadFastifyProxy()
const app = fastify({ logger: false })
app.get('/readyz', async () => ({ status: 'ready' }))
// The same undici agent settings as gateway/src/plugins/proxy.ts, so the two differ only in what the gateway adds.
await app.register(httpProxy, { upstream, prefix: '/user', rewritePrefix: '/user', undici: { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 } })
await app.listen({ port, host })
process.once('SIGTERM', () => {
  app.close().then(() => process.exit(0))
})
