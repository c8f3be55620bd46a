// A real Nginx in front of the local stack: renders the shipped infra/nginx/portcullis.conf for https://localhost with a
// self-signed certificate, keeps every file Nginx writes in one directory, and describes the process for the supervisor.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import https from 'node:https'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { searchPath, type TlsConfig } from './settings.ts'
import type { ProcessSpec } from './supervisor.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** The production site config, the one file both production and `pnpm start:tls` use. */
export const SHIPPED_SITE = path.join(root, 'infra/nginx/portcullis.conf')
export const OCSP_STAPLING_SNIPPET = path.join(root, 'infra/nginx/ocsp-stapling.conf')
export const SELF_SIGNED_CERT_SCRIPT = path.join(root, 'infra/scripts/self-signed-cert.sh')

export interface Certificate {
  certificate: string
  key: string
}

/** Makes (or keeps) DIR/localhost.crt and DIR/localhost.key with infra/scripts/self-signed-cert.sh. */
export function ensureSelfSignedCertificate(dir: string): Certificate & { output: string } {
  const result = spawnSync('bash', [SELF_SIGNED_CERT_SCRIPT, dir], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`the self-signed certificate could not be made: ${result.stderr || result.error?.message}`)
  return { certificate: path.join(dir, 'localhost.crt'), key: path.join(dir, 'localhost.key'), output: result.stdout }
}

/** Nginx from PATH, or Debian's /usr/sbin/nginx (not on an ordinary user's PATH). */
export function findNginx(): string {
  for (const dir of [...searchPath(), '/usr/sbin']) {
    const candidate = path.join(dir, 'nginx')
    if (existsSync(candidate)) return candidate
  }
  throw new Error('nginx is not installed: apt-get install -y nginx')
}

/** A path as an Nginx string; the characters Nginx would read as syntax or variables are refused. */
function nginxPath(value: string): string {
  if (/["\\$\n\r{};]/.test(value)) throw new Error(`Nginx cannot be given this path: ${value}`)
  return `"${value}"`
}

function replaceEvery(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : text.search(from) !== -1
  if (!found) throw new Error(`${path.relative(root, SHIPPED_SITE)} no longer contains ${String(from)}; update scripts/stack/local-nginx.ts with it`)
  return typeof from === 'string' ? text.split(from).join(to) : text.replace(from, to)
}

export interface SitePaths {
  certificate: Certificate
  webRoot: string
  /** Where the ACME challenge files would be (never used locally). */
  acmeRoot: string
  logDir: string
}

/** The shipped site with only its file paths changed: certificate, web root, ACME root and logs. */
export function renderSitePaths(site: string, paths: SitePaths): string {
  let text = site
  text = replaceEvery(text, '/etc/letsencrypt/live/portcullis.example.com/fullchain.pem', nginxPath(paths.certificate.certificate))
  text = replaceEvery(text, '/etc/letsencrypt/live/portcullis.example.com/privkey.pem', nginxPath(paths.certificate.key))
  text = replaceEvery(text, 'root /opt/portcullis/web/dist;', `root ${nginxPath(paths.webRoot)};`)
  text = replaceEvery(text, 'root /var/www/letsencrypt;', `root ${nginxPath(paths.acmeRoot)};`)
  text = replaceEvery(text, '/var/log/nginx/portcullis.access.log', nginxPath(path.join(paths.logDir, 'access.log')))
  text = replaceEvery(text, '/var/log/nginx/portcullis.error.log', nginxPath(path.join(paths.logDir, 'error.log')))
  return text
}

export interface LocalSiteOptions extends SitePaths, TlsConfig {
  /** host:port of the gateway. */
  gateway: string
  /** The local address Nginx connects to the gateway from (proxy_bind), the one the gateway's TRUST_PROXY names. */
  sourceAddress?: string | undefined
}

/** The shipped site for https://localhost:HTTPS_PORT on 127.0.0.1, redirecting from HTTP_PORT, in front of one gateway. */
export function renderLocalSite(site: string, options: LocalSiteOptions): string {
  let text = renderSitePaths(site, options)
  text = replaceEvery(text, /^[ \t]*listen \[::\]:(80|443)\b[^;\n]*;\n/gm, '')
  text = replaceEvery(text, 'listen 80;', `listen 127.0.0.1:${options.httpPort};`)
  text = replaceEvery(text, 'listen 443 ssl', `listen 127.0.0.1:${options.httpsPort} ssl`)
  text = replaceEvery(text, 'server_name portcullis.example.com;', 'server_name localhost;')
  text = replaceEvery(text, 'return 301 https://$host$request_uri;', `return 301 https://$host:${options.httpsPort}$request_uri;`)
  text = replaceEvery(text, 'server 127.0.0.1:8080 ', `server ${options.gateway} `)
  if (options.sourceAddress) {
    if (!/^[0-9.]+$/.test(options.sourceAddress)) throw new Error(`Nginx cannot be given this source address: ${options.sourceAddress}`)
    text = replaceEvery(text, 'proxy_pass http://portcullis_gateway;', `proxy_pass http://portcullis_gateway;\n        proxy_bind ${options.sourceAddress};`)
  }
  return `# Rendered from ${path.relative(root, SHIPPED_SITE)} by scripts/stack/local-nginx.ts at every start; edit that file, not this one.\n${text}`
}

/**
 * The main config around a site, with the pid file, logs and temporary files inside `dir`, so Nginx needs no root and
 * writes nothing outside it. As root, the workers stay root too: they must read the build and `dir`, which `nobody` may not.
 */
export function renderMainConfig(dir: string, siteFile: string): string {
  const temp = (name: string) => nginxPath(path.join(dir, 'temp', name))
  const mimeTypes = '/etc/nginx/mime.types'
  return [
    '# Written by scripts/stack/local-nginx.ts at every start.',
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${nginxPath(path.join(dir, 'nginx.pid'))};`,
    `error_log ${nginxPath(path.join(dir, 'logs', 'error.log'))} warn;`,
    'events {',
    '    worker_connections 512;',
    '}',
    'http {',
    // The types production uses; read only.
    existsSync(mimeTypes)
      ? `    include ${mimeTypes};`
      : '    types { text/html html; text/css css; application/javascript js mjs; application/json json; image/svg+xml svg; image/png png; image/x-icon ico; font/woff2 woff2; }',
    '    default_type application/octet-stream;',
    '    sendfile on;',
    `    access_log ${nginxPath(path.join(dir, 'logs', 'access.log'))};`,
    `    client_body_temp_path ${temp('client_body')};`,
    `    proxy_temp_path ${temp('proxy')};`,
    `    fastcgi_temp_path ${temp('fastcgi')};`,
    `    uwsgi_temp_path ${temp('uwsgi')};`,
    `    scgi_temp_path ${temp('scgi')};`,
    `    include ${nginxPath(siteFile)};`,
    '}',
    '',
  ].join('\n')
}

export interface LocalNginxOptions extends TlsConfig {
  /** Where the configs, pid file, logs and temporary files go (DATA_DIR/nginx). */
  dir: string
  certificate: Certificate
  webRoot: string
  gateway: string
  /** See LocalSiteOptions: where Nginx's connections to the gateway come from. */
  sourceAddress?: string | undefined
}

export interface LocalNginx {
  /** https://localhost:HTTPS_PORT */
  url: string
  certificate: Certificate
  configFile: string
  siteFile: string
  logDir: string
  /** For the supervisor: Nginx in the foreground, ready once it serves the app over HTTPS with this certificate. */
  spec: ProcessSpec
}

/** Writes DIR/portcullis.conf (rendered) and DIR/nginx.conf, and makes the directories Nginx writes to. */
export async function prepareLocalNginx(options: LocalNginxOptions): Promise<LocalNginx> {
  const dir = path.resolve(options.dir)
  const logDir = path.join(dir, 'logs')
  const acmeRoot = path.join(dir, 'acme')
  for (const sub of [logDir, acmeRoot, path.join(dir, 'temp')]) await mkdir(sub, { recursive: true })
  const site = await readFile(SHIPPED_SITE, 'utf8')
  const siteFile = path.join(dir, 'portcullis.conf')
  const configFile = path.join(dir, 'nginx.conf')
  await writeFile(siteFile, renderLocalSite(site, { ...options, webRoot: path.resolve(options.webRoot), acmeRoot, logDir }))
  await writeFile(configFile, renderMainConfig(dir, siteFile))
  const ca = await readFile(options.certificate.certificate, 'utf8')
  const probe = `https://127.0.0.1:${options.httpsPort}/`
  return {
    url: `https://localhost:${options.httpsPort}`,
    certificate: options.certificate,
    configFile,
    siteFile,
    logDir,
    spec: {
      name: 'nginx',
      command: findNginx(),
      // -e stderr: errors before the config is read go to the terminal, not to /var/log/nginx.
      args: ['-p', `${dir}/`, '-c', configFile, '-e', 'stderr', '-g', 'daemon off;'],
      env: {},
      url: probe,
      isReady: () => answersOverTls(probe, ca),
    },
  }
}

/**
 * Stops an Nginx that an earlier run in this directory left behind (its supervisor was killed outright), found by the
 * pid file and recognised by its command line, so the ports are free again. Called only once DATA_DIR is this run's.
 */
export async function stopLeftoverNginx(dir: string): Promise<void> {
  const configFile = path.join(path.resolve(dir), 'nginx.conf')
  const pid = Number((await readFile(path.join(dir, 'nginx.pid'), 'utf8').catch(() => '')).trim())
  if (!Number.isInteger(pid) || pid <= 0) return
  const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
  if (!commandLine.includes('nginx') || !commandLine.includes(configFile)) return
  console.log(`portcullis: stopping the Nginx (pid ${pid}) an earlier run left behind`)
  try {
    process.kill(pid, 'SIGTERM')
  } catch {
    return // gone already, or not ours to stop; Nginx will say so if the port is taken
  }
  for (let i = 0; i < 50 && existsSync(`/proc/${pid}`); i++) await new Promise((resolve) => setTimeout(resolve, 100))
}

/** Whether an HTTPS URL answers 200 with a certificate signed by `ca` (our self-signed one). */
function answersOverTls(url: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get(url, { ca, servername: 'localhost', timeout: 1000 }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    request.on('timeout', () => request.destroy())
    request.on('error', () => resolve(false))
  })
}

/** `nginx -t` on a config: whether it passes, and what Nginx said. */
export function testNginxConfig(configFile: string, prefix = path.dirname(configFile)): { ok: boolean; output: string } {
  const result = spawnSync(findNginx(), ['-t', '-p', `${prefix}/`, '-c', configFile, '-e', 'stderr'], { encoding: 'utf8' })
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` }
}
