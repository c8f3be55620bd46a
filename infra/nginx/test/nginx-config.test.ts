// The shipped Nginx config passes `nginx -t` (its file paths pointed at temp files), and so does the one pnpm start:tls renders.
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { inCi } from '@portcullis/testkit/settings'
import t from 'tap'
import {
  ensureSelfSignedCertificate,
  OCSP_STAPLING_SNIPPET,
  prepareLocalNginx,
  renderLocalSite,
  renderMainConfig,
  renderSitePaths,
  SHIPPED_SITE,
  type SitePaths,
  testNginxConfig,
} from '@portcullis/scripts/stack/local-nginx'
import { loadCommonConfig } from '@portcullis/shared/settings/common'

const BROTLI_SNIPPET = path.join(path.dirname(SHIPPED_SITE), 'brotli.conf')
/** Debian's libnginx-mod-http-brotli-filter and libnginx-mod-http-brotli-static: brotli.conf needs both (brotli, brotli_static). */
const BROTLI_MODULES = ['/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so', '/usr/lib/nginx/modules/ngx_http_brotli_static_module.so']
const missingBrotli = BROTLI_MODULES.filter((file) => !existsSync(file))

async function workspace(t: { teardown(fn: () => unknown): void }): Promise<{ dir: string; paths: SitePaths }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-nginx-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const webRoot = path.join(dir, 'web')
  await mkdir(path.join(webRoot, 'assets'), { recursive: true })
  await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>Portcullis</title>')
  const paths = { certificate: ensureSelfSignedCertificate(path.join(dir, 'tls')), webRoot, acmeRoot: path.join(dir, 'acme'), logDir: path.join(dir, 'logs') }
  for (const sub of [paths.acmeRoot, paths.logDir, path.join(dir, 'temp')]) await mkdir(sub, { recursive: true })
  return { dir, paths }
}

/** Writes a site and the main config around it into `dir`, and runs `nginx -t` on them. */
async function nginxTest(dir: string, site: string): Promise<{ ok: boolean; output: string }> {
  const siteFile = path.join(dir, 'portcullis.conf')
  const configFile = path.join(dir, 'nginx.conf')
  await writeFile(siteFile, site)
  await writeFile(configFile, renderMainConfig(dir, siteFile))
  return testNginxConfig(configFile)
}

t.test('the shipped config passes nginx -t', async (t) => {
  const { dir, paths } = await workspace(t)
  const shipped = await readFile(SHIPPED_SITE, 'utf8')
  const site = renderSitePaths(shipped, paths)
  t.match(site, /listen 443 ssl http2;\n\s+listen \[::\]:443 ssl http2;/, 'ports, addresses and everything else stay as shipped')
  t.match(site, /server 127\.0\.0\.1:8080 /)
  const result = await nginxTest(dir, site)
  t.ok(result.ok, 'nginx -t passes')
  t.match(result.output, /test is successful/, result.output)
})

t.test('with the OCSP stapling snippet included, as for a real certificate', async (t) => {
  const { dir, paths } = await workspace(t)
  const snippet = (await readFile(OCSP_STAPLING_SNIPPET, 'utf8')).replace(
    '/etc/letsencrypt/live/portcullis.example.com/chain.pem',
    paths.certificate.certificate,
  )
  await writeFile(path.join(dir, 'ocsp-stapling.conf'), snippet)
  const shipped = await readFile(SHIPPED_SITE, 'utf8')
  const include = '# include /etc/nginx/snippets/portcullis-ocsp-stapling.conf;'
  t.ok(shipped.includes(include), 'the include is there, commented out for self-signed certificates')
  const site = renderSitePaths(shipped, paths).replace(include, `include "${path.join(dir, 'ocsp-stapling.conf')}";`)
  const result = await nginxTest(dir, site)
  // A self-signed certificate names no OCSP responder: Nginx warns and goes on, as it would for such a certificate.
  t.ok(result.ok, result.output)
})

// Skipped on a machine without the modules; failed where CI is set (.ci/run sets it, and installs them), so a lost install
// step shows.
t.test(
  'with the brotli snippet included, where the modules are installed',
  { skip: missingBrotli.length > 0 && !inCi() && `${missingBrotli.join(' and ')} not installed` },
  async (t) => {
    if (missingBrotli.length > 0) {
      t.fail(`${missingBrotli.join(' and ')} not installed, and CI is set: .ci/run installs libnginx-mod-http-brotli-filter and -static`)
      return
    }
    const { dir, paths } = await workspace(t)
    const shipped = await readFile(SHIPPED_SITE, 'utf8')
    const site = renderSitePaths(shipped, paths).replace('# include /etc/nginx/snippets/portcullis-brotli.conf;', `include "${BROTLI_SNIPPET}";`)
    const main = BROTLI_MODULES.map((file) => `load_module ${file};\n`).join('')
    const siteFile = path.join(dir, 'portcullis.conf')
    await writeFile(siteFile, site)
    await writeFile(path.join(dir, 'nginx.conf'), main + renderMainConfig(dir, siteFile))
    const result = testNginxConfig(path.join(dir, 'nginx.conf'))
    t.ok(result.ok, result.output)
  },
)

t.test('the config pnpm start:tls renders passes nginx -t and stays inside its directory', async (t) => {
  const { dir, paths } = await workspace(t)
  const nginx = await prepareLocalNginx({
    dir: path.join(dir, 'nginx'),
    certificate: paths.certificate,
    webRoot: paths.webRoot,
    gateway: '127.0.0.1:18080',
    httpsPort: 18443,
    httpPort: 18088,
  })
  const result = testNginxConfig(nginx.configFile)
  t.ok(result.ok, result.output)
  const site = await readFile(nginx.siteFile, 'utf8')
  const main = await readFile(nginx.configFile, 'utf8')
  t.match(site, /listen 127\.0\.0\.1:18443 ssl http2;/)
  t.match(site, /listen 127\.0\.0\.1:18088;/)
  t.notMatch(site, /listen \[::\]/, 'loopback only')
  t.match(site, /server 127\.0\.0\.1:18080 max_fails/, 'in front of the given gateway')
  t.match(site, /return 301 https:\/\/\$host:18443\$request_uri;/)
  t.notMatch(site.replace(/#.*$/gm, ''), /\/etc\/|\/var\/|\/opt\//, 'no path outside its directory')
  t.same(
    main.match(/\/(etc|var|run|usr)\/[^\s;"]*/g),
    existsSync('/etc/nginx/mime.types') ? ['/etc/nginx/mime.types'] : null,
    'the main config reads only the MIME types from /etc, and writes only under its directory',
  )
  t.equal(nginx.spec.name, 'nginx')
  t.same(nginx.spec.args?.slice(-2), ['-g', 'daemon off;'], 'in the foreground, for the supervisor')
})

t.test('the shipped config keeps its promises', async (t) => {
  const site = await readFile(SHIPPED_SITE, 'utf8')
  const active = site.replace(/#.*$/gm, '')
  t.match(active, /ssl_protocols TLSv1\.2 TLSv1\.3;/, 'TLS 1.2 and 1.3 only')
  t.notMatch(active, /TLSv1(\.1)?[ ;]/, 'no TLS 1.0 or 1.1')
  t.match(active, /proxy_set_header X-Forwarded-For \$remote_addr;/, "the client's address, set rather than appended")
  t.notMatch(active, /\$proxy_add_x_forwarded_for/)
  t.match(active, /keepalive \d+;/, 'keep-alive to the gateways')
  t.match(active, /proxy_http_version 1\.1;\s+proxy_set_header Connection "";/)
  t.match(active, /add_header Strict-Transport-Security "max-age=\d+; includeSubDomains" always;/)
  t.match(active, /frame-ancestors 'none'/)
  t.notMatch(active, /unsafe-eval/, 'no eval allowed')
  const policies = [...active.matchAll(/^\s*(default|\S+)\s+"(default-src [^"]+)";$/gm)].map(([, when, policy]) => ({ when, policy: policy ?? '' }))
  t.same(
    policies.map((p) => p.when),
    ['default', '~^/docs(/|$)'],
    'one Content-Security-Policy for the site, one for the API documentation',
  )
  for (const { when, policy } of policies) {
    t.match(policy, /script-src 'self';/, `${when}: scripts from this origin only, never inline`)
    t.match(policy, /frame-ancestors 'none'/, `${when}: never framed`)
  }
  t.notMatch(policies[0]?.policy, /unsafe-inline/, 'the app: no inline style either')
  t.match(policies[1]?.policy, /style-src 'self' 'unsafe-inline';/, 'Swagger UI at /docs: inline styles, which it sets as it draws')
  t.match(active, /add_header Content-Security-Policy \$portcullis_csp always;/)
  t.equal(active.match(/unsafe-inline/g)?.length, 1, 'and nowhere else')
  t.match(active, /location ~ \^\/\(auth\|user\|admin\|docs\)\(\/\|\$\) \{/, '/docs goes to the gateway with the API')
  t.match(active, /location ~ \^\/\(internal\|healthz\|readyz\|metrics\)\(\/\|\$\) \{\s+return 404;/, 'no internal or operational route')
  const bodyLimit = /client_max_body_size (\d+)k;/.exec(active)?.[1]
  t.equal(Number(bodyLimit) * 1024, loadCommonConfig({}).bodyLimit, 'client_max_body_size is BODY_LIMIT')
})

t.test('rendering refuses a config that lost a value it swaps', async (t) => {
  const { paths } = await workspace(t)
  const shipped = await readFile(SHIPPED_SITE, 'utf8')
  const options = { ...paths, gateway: '127.0.0.1:1', httpsPort: 2, httpPort: 3 }
  t.doesNotThrow(() => renderLocalSite(shipped, options))
  t.throws(() => renderLocalSite(shipped.replace('listen 80;', 'listen 8000;'), options), /no longer contains listen 80;/)
  t.throws(() => renderSitePaths(shipped, { ...paths, webRoot: '/tmp/$evil' }), /cannot be given this path/)
})

t.test('the self-signed certificate script', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-cert-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const first = ensureSelfSignedCertificate(path.join(dir, 'tls'))
  t.match(first.output, `certificate: ${first.certificate}`, 'prints the paths')
  t.match(first.output, `key: ${first.key}`)
  const pem = await readFile(first.certificate, 'utf8')
  const cert = new X509Certificate(pem)
  t.equal(cert.subject, 'CN=localhost')
  t.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1')
  t.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1', 'an EC P-256 key')
  const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000
  t.equal(Math.round(days), 825, 'valid 825 days')
  t.ok(cert.checkPrivateKey(createPrivateKey(await readFile(first.key))), 'the key is its key')

  const second = ensureSelfSignedCertificate(path.join(dir, 'tls'))
  t.match(second.output, /keeping the certificate/)
  t.equal(await readFile(second.certificate, 'utf8'), pem, 'a second run keeps the same certificate')
})
