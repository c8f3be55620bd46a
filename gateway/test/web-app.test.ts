// The gateway serves the SPA for browser navigations and the API for everything else, on the same paths.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { loadGatewayConfig } from '../src/config.ts'
import { bearer, TEST_ENV } from '@portcullis/testkit/auth-app'
import { startTestAuthServer } from '@portcullis/testkit/auth-server'
import { buildGatewayApp } from '../src/app.ts'
import { startEchoUpstream } from '@portcullis/testkit/echo-upstream'

t.test('web app and API on one origin', async (t) => {
  const webDir = await mkdtemp(path.join(tmpdir(), 'portcullis-web-'))
  t.teardown(() => rm(webDir, { recursive: true, force: true }))
  await mkdir(path.join(webDir, 'assets'))
  await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>Portcullis</title><div id="root"></div>')
  await writeFile(path.join(webDir, 'assets', 'index-abc123.js'), 'console.log(1)')
  await writeFile(path.join(webDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>')

  const auth = await startTestAuthServer(t, 'sqlite')
  const client = await auth.serviceClient('gateway')
  const admin = await startEchoUpstream('admin-1')
  t.teardown(() => admin.close())
  const gateway = await buildGatewayApp({
    config: loadGatewayConfig({
      ...TEST_ENV,
      AUTH_URL: auth.url,
      AUTH_UPSTREAMS: auth.upstream,
      ADMIN_UPSTREAMS: admin.upstream,
      SERVICE_CLIENT_ID: client.clientId,
      SERVICE_CLIENT_SECRET: client.clientSecret,
      WEB_DIR: webDir,
    }),
  })
  t.teardown(() => gateway.close())
  const boss = await auth.userSession('boss', 'admin')

  for (const url of ['/', '/dashboard', '/admin', '/admin/audit?type=signup', '/user/whatever']) {
    const page = await gateway.inject({ url, headers: { 'sec-fetch-mode': 'navigate', accept: 'text/html,application/xhtml+xml' } })
    t.equal(page.statusCode, 200, `${url} navigates to the app`)
    t.match(page.body, /<div id="root">/)
    t.equal(page.headers['cache-control'], 'no-cache', 'index.html is never cached')
    t.match(page.headers['content-security-policy'], /default-src 'self'/)
  }
  const api = await gateway.inject({ url: '/admin/get-all-users', headers: { ...bearer(boss.access_token), accept: 'application/json' } })
  t.equal(api.json().upstream, 'admin-1', 'an API call on the same path goes to the service')
  const anonymous = await gateway.inject({ url: '/admin/dashboard', headers: { accept: 'application/json' } })
  t.equal(anonymous.statusCode, 401, 'and is still guarded')

  const asset = await gateway.inject({ url: '/assets/index-abc123.js' })
  t.equal(asset.statusCode, 200)
  t.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable', 'hashed assets are cached for good')
  t.equal((await gateway.inject({ url: '/favicon.svg' })).statusCode, 200)
  t.equal((await gateway.inject({ url: '/assets/missing.js' })).statusCode, 404)
  const docs = await gateway.inject({ url: '/docs/json', headers: { accept: 'text/html' } })
  t.match(docs.headers['content-type'], /json/, '/docs is never swallowed by the app')
})
