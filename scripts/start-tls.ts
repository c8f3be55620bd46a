// pnpm start:tls: the same stack as pnpm start, behind a real local Nginx on https://localhost:8443 with a self-signed
// certificate, rendered from the production config in infra/nginx/portcullis.conf.
import path from 'node:path'
import { ensureSelfSignedCertificate, findNginx, prepareLocalNginx, stopLeftoverNginx } from './stack/local-nginx.ts'
import { NGINX_SOURCE_ADDRESS, chooseProxySource } from '@portcullis/shared/net/proxy-address'
import { announceReady } from './stack/ready-banner.ts'
import { loadStackConfig, loadTlsConfig } from './stack/settings.ts'
import { runStackCommand } from './stack/stack-command.ts'
import { startStack } from './stack/start-stack.ts'

runStackCommand(async (supervisor) => {
  const config = loadStackConfig()
  const tls = loadTlsConfig()
  findNginx()
  const { dataDir } = config.auth
  const nginxDir = path.join(dataDir, 'nginx')

  // Nginx connects from its own loopback address, the only one whose X-Forwarded-For the gateway believes.
  const nginxSource = await chooseProxySource({ address: NGINX_SOURCE_ADDRESS, believer: 'the gateway' })
  if (nginxSource.notice) console.log(`portcullis: ${nginxSource.notice}`)
  const stack = await startStack(config, {
    supervisor,
    publicUrl: `https://localhost:${tls.httpsPort}`,
    gatewayEnv: { TRUST_PROXY: nginxSource.address },
    ports: [
      { setting: 'HTTPS_PORT', host: '127.0.0.1', port: tls.httpsPort },
      { setting: 'HTTP_PORT', host: '127.0.0.1', port: tls.httpPort },
    ],
    onDataDirLocked: () => stopLeftoverNginx(nginxDir),
  })
  const nginx = await prepareLocalNginx({
    ...tls,
    dir: nginxDir,
    certificate: ensureSelfSignedCertificate(path.join(dataDir, 'tls')),
    webRoot: stack.webDir,
    gateway: `127.0.0.1:${stack.gatewayPort}`,
    sourceAddress: nginxSource.address,
  })
  await supervisor.start(nginx.spec)
  console.log(`portcullis: nginx config ${nginx.configFile}, logs in ${nginx.logDir}`)
  console.log(`portcullis: self-signed certificate ${nginx.certificate.certificate} (the browser asks once to accept it)`)
  console.log(`portcullis: http://localhost:${tls.httpPort} redirects to HTTPS; the gateway itself stays on http://localhost:${config.gateway.port}`)
  announceReady(nginx.url, stack)
})
