// Serves the built SPA: hashed assets with a long cache, index.html (never cached) for every browser navigation.
// /admin and /user are both API prefixes and SPA pages, so a navigation (Sec-Fetch-Mode: navigate, or a request that
// prefers HTML) gets the page, and everything else goes on to the API. The OpenID Connect provider's paths are never the
// SPA's: a relying party sends the browser to /oidc/auth, and the provider answers it.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'

export interface WebAppOptions {
  root: string
  /** Paths of the teams' apps (APPS_FILE): their pages are theirs, never the SPA's. */
  isAppPath?: (path: string) => boolean
}

const NEVER_THE_SPA = /^\/(docs|healthz|readyz|metrics|auth\/\.well-known|\.well-known|oidc)(\/|$)/

export function isPageNavigation(request: FastifyRequest): boolean {
  const { method, headers } = request
  if (method !== 'GET' && method !== 'HEAD') return false
  // The headers first: an API call (no navigation, no preference for HTML) is told apart without touching its URL.
  if (headers['sec-fetch-mode'] !== 'navigate' && !(headers.accept ?? '').startsWith('text/html')) return false
  const pathname = request.url.split('?', 1)[0] ?? '/'
  return !NEVER_THE_SPA.test(pathname) && path.extname(pathname) === ''
}

/** onRequest: a browser navigation gets the page; every other request (every API call) goes on at the cost of two header reads. */
function pageForNavigations(sendPage: (reply: FastifyReply) => FastifyReply, isAppPath: WebAppOptions['isAppPath']) {
  return function serveNavigation(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    if (isPageNavigation(request) && !isAppPath?.(request.url.split('?', 1)[0] ?? '/')) {
      sendPage(reply)
      return
    }
    done()
  }
}

async function webApp(app: FastifyInstance, options: WebAppOptions): Promise<void> {
  const indexFile = path.join(options.root, 'index.html')
  if (!existsSync(indexFile)) {
    app.log.warn({ root: options.root }, 'no built web app here; serving the API only')
    return
  }
  const indexHtml = await readFile(indexFile)
  const sendPage = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(indexHtml)

  await app.register(fastifyStatic, {
    root: options.root,
    prefix: '/',
    wildcard: false,
    index: false,
    setHeaders(res, filePath) {
      const hashed = filePath.includes(`${path.sep}assets${path.sep}`)
      res.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache')
    },
  })
  app.get('/', async (_request, reply) => sendPage(reply))
  app.addHook('onRequest', pageForNavigations(sendPage, options.isAppPath))
}

export const webAppRoutes = fp(webApp, { name: 'gateway-web-app', fastify: '5.x' })
