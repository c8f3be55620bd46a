// Builds the SPA when its build is missing or older than its sources, so `pnpm start` always serves the current pages.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

function newestChange(entry: string): number {
  const stat = statSync(entry)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(entry).map((name) => newestChange(path.join(entry, name))))
}

export function ensureWebBuild(webRoot: string): string {
  const dist = path.join(webRoot, 'dist')
  const index = path.join(dist, 'index.html')
  const sources = [path.join(webRoot, 'src'), path.join(webRoot, 'index.html'), path.join(webRoot, 'public')].filter(existsSync)
  const stale = !existsSync(index) || Math.max(...sources.map(newestChange)) > statSync(index).mtimeMs
  if (stale) {
    console.log('portcullis: building the web app')
    const vite = path.join(webRoot, 'node_modules', 'vite', 'bin', 'vite.js')
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: webRoot, stdio: 'inherit' })
    if (result.status !== 0) throw new Error('the web app did not build (see above)')
  }
  return dist
}
