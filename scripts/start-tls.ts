// pnpm start:tls: the same stack as pnpm start, behind a real local Nginx on https://localhost:8443 with a self-signed
// certificate, rendered from the production config in infra/nginx/portcullis.conf.
import path from 'node:path'
import { loadConfig } from '@portcullis/shared/config'
import { ensureSelfSignedCertificate, findNginx, type LocalNginx, loadTlsSettings, prepareLocalNginx } from './stack/local-nginx.ts'
import { runStackCommand } from './stack/stack-command.ts'
import { startStack } from './stack/start-stack.ts'

runStackCommand(async (supervisor) => {
  const config = loadConfig()
  const tls = loadTlsSettings()
  findNginx()

  let nginx: LocalNginx
  try {
    // Nginx on 127.0.0.1 is the only proxy whose X-Forwarded-For the gateway believes.
    const stack = await startStack(config, { supervisor, gatewayEnv: { TRUST_PROXY: '127.0.0.1' } })
    nginx = await prepareLocalNginx({
      ...tls,
      dir: path.join(config.dataDir, 'nginx'),
      certificate: ensureSelfSignedCertificate(path.join(config.dataDir, 'tls')),
      webRoot: stack.webDir,
      gateway: `127.0.0.1:${stack.gatewayPort}`,
    })
    await supervisor.start(nginx.spec)
  } catch (error) {
    // Nginx has no IPC channel to notice this process is gone, so nothing is left running on the way out.
    await supervisor.stopAll('SIGTERM')
    throw error
  }
  console.log(`portcullis: nginx config ${nginx.configFile}, logs in ${nginx.logDir}`)
  console.log(`portcullis: self-signed certificate ${nginx.certificate.certificate} (the browser asks once to accept it)`)
  console.log(`portcullis: http://localhost:${tls.httpPort} redirects to HTTPS; the gateway itself stays on http://localhost:${config.port}`)
  console.log(`portcullis: ready at ${nginx.url}`)
})
