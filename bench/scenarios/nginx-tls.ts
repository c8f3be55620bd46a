// 5. GET /user/profile through Nginx with TLS (the shipped infra/nginx/portcullis.conf, rendered by scripts/stack/local-nginx.ts) vs the gateway itself.
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { bearer, createAccount } from '../accounts.ts'
import { ratio } from '../measure.ts'
import { freePort, startProcess } from '../processes.ts'
import { childPids } from '../watch.ts'
import { type Scenario, skipped } from '../scenario.ts'
import { ROOT } from '../settings.ts'

export const nginxTlsScenario: Scenario = {
  id: 'nginx-tls',
  number: 5,
  title: 'The whole path through Nginx with TLS',
  async run(context) {
    const site = path.join(ROOT, 'infra/nginx/portcullis.conf')
    const runner = path.join(ROOT, 'scripts/stack/local-nginx.ts')
    if (!existsSync(site) || !existsSync(runner)) return skipped('infra/nginx/portcullis.conf or its runner scripts/stack/local-nginx.ts is not in this tree')
    const nginxRunner = await import('../../scripts/stack/local-nginx.ts')
    try {
      nginxRunner.findNginx()
    } catch (error) {
      return skipped(error instanceof Error ? error.message : String(error))
    }
    const stack = await context.sqliteStack()
    const [user] = stack.users
    if (!user) throw new Error('the stack has no user instance')
    const headers = bearer(await createAccount(stack, 'bench-nginx'))
    const dir = path.join(context.workDir, 'nginx')
    // The API is measured, not the app: a one-line page stands in for web/dist (Nginx's readiness probe asks for /).
    const webRoot = path.join(context.workDir, 'web')
    await mkdir(webRoot, { recursive: true })
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>bench</title>\n')
    const [httpsPort, httpPort] = [await freePort(), await freePort()]
    const nginx = await nginxRunner.prepareLocalNginx({
      httpsPort,
      httpPort,
      dir,
      certificate: nginxRunner.ensureSelfSignedCertificate(path.join(dir, 'tls')),
      webRoot,
      gateway: new URL(stack.url).host,
    })
    const spec = nginx.spec
    if (!('command' in spec)) throw new Error('the Nginx runner no longer describes Nginx as a command')
    const master = await startProcess({
      name: 'nginx',
      command: spec.command,
      args: spec.args,
      env: {},
      logDir: context.logDir,
      isReady: spec.isReady,
    })
    context.onCleanup(master.stop)
    const nginxProcesses = [{ name: 'nginx master', pid: master.pid }, ...childPids(master.pid).map((pid, i) => ({ name: `nginx worker ${i + 1}`, pid }))]
    const [gateway, viaNginx] = await context.measure(
      { name: 'profile: gateway → user (HTTP)', url: `${stack.url}/user/profile`, headers, processes: [stack.gateway, user] },
      {
        name: 'profile: Nginx TLS → gateway → user',
        url: `https://127.0.0.1:${httpsPort}/user/profile`,
        headers,
        processes: [...nginxProcesses, stack.gateway, user],
      },
    )
    if (!gateway || !viaNginx) throw new Error('a measurement is missing')
    await master.stop()
    return {
      rows: [gateway, viaNginx],
      derived: [
        {
          label: 'req/s via Nginx TLS ÷ gateway direct',
          value: ratio(viaNginx.requestsPerSecond, gateway.requestsPerSecond),
          meaning: 'the cost of TLS and the Nginx hop',
        },
        { label: 'p50 ms via Nginx − gateway direct', value: viaNginx.latencyP50Ms - gateway.latencyP50Ms },
      ],
      notes: [
        `Nginx (version above) with the shipped site config (TLS 1.2/1.3, HTTP/1.1 from the load generator, keep-alive both sides, access log on), one worker, self-signed certificate.`,
        'The load generator keeps its connections open, so this is TLS record and proxy cost, not handshake cost.',
      ],
    }
  },
}
