// The first page must stay small: the JavaScript index.html loads up front, gzipped, under 150 KB.
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import t from 'tap'
import { ensureWebBuild } from '@portcullis/scripts/stack/web-build'

const FIRST_PAGE_BUDGET = 150 * 1024

t.test('gzipped JavaScript of the first page', async (t) => {
  const dist = ensureWebBuild(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'))
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8')
  const upFront = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((match) => match[1] as string)
  t.ok(upFront.length > 0, 'index.html loads at least one script')
  const gzipped = (file: string) => gzipSync(readFileSync(path.join(dist, file))).length
  const firstPage = upFront.reduce((sum, file) => sum + gzipped(file), 0)
  const all = readdirSync(path.join(dist, 'assets')).filter((file) => file.endsWith('.js'))
  const total = all.reduce((sum, file) => sum + gzipped(path.join('assets', file)), 0)
  t.comment(
    `first page: ${(firstPage / 1024).toFixed(1)} KB gzipped in ${upFront.length} file(s); all JS: ${(total / 1024).toFixed(1)} KB in ${all.length} file(s)`,
  )
  t.ok(firstPage < FIRST_PAGE_BUDGET, `first page ${(firstPage / 1024).toFixed(1)} KB < 150 KB`)
})
