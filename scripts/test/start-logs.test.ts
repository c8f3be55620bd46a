// pnpm start's logs: readable lines on a terminal, JSON lines anywhere else (a pipe, a file, a collector), and LOG_FORMAT
// to choose either way; no secret in either.
import { type ChildProcess, spawn } from 'node:child_process'
import { Writable } from 'node:stream'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inheritedEnvironment } from '@portcullis/testkit/settings'
import t from 'tap'
import { loggerOptions, prettyLogStream, resolveLogFormat } from '@portcullis/shared/logger'
import { freePort } from '@portcullis/testkit/processes'
import { LIGHT_SETTINGS, runStack } from '@portcullis/testkit/stack-run'

const start = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../start.ts')
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')

async function dataDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-logs-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function login(port: number) {
  return fetch(`http://127.0.0.1:${port}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: 'the boss passphrase' }),
  })
}

t.test('on a terminal, readable lines', async (t) => {
  const port = await freePort()
  const env = {
    ...inheritedEnvironment(),
    ...LIGHT_SETTINGS,
    LOG_LEVEL: 'info',
    DRAIN_DELAY_MS: '0',
    PORT: String(port),
    DATA_DIR: await dataDir(t),
    ADMIN_PASSWORD: 'the boss passphrase',
  }
  // script(1) runs the stack on a pseudo-terminal, as a person's shell would.
  const terminal: ChildProcess = spawn('script', ['-qfec', `${process.execPath} ${start}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  terminal.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise((resolve) => terminal.once('exit', resolve))
  t.teardown(async () => {
    terminal.stdin?.write('\x03') // Ctrl-C on that terminal
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000))])
    terminal.kill('SIGKILL')
  })
  const deadline = Date.now() + 150_000
  while (!/ready at/.test(output) && Date.now() < deadline && terminal.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 200))
  t.equal((await login(port)).status, 200)
  while (!/gateway: POST \/auth\/login 200/.test(output.replace(ANSI, '')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
  const plain = output.replace(ANSI, '')
  t.match(plain, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: gateway: POST \/auth\/login 200 [\d.]+ ms from 127\.0\.0\.1/m, "the gateway's request line, readable")
  t.match(plain, /INFO: auth: POST \/auth\/login 200 [\d.]+ ms from 127\.0\.0\.1/, "and auth's")
  t.notMatch(plain, /^\{"level"/m, 'no JSON line')
  t.not(output, plain, 'in colour')
  t.notMatch(plain, /the boss passphrase/)
})

t.test('anywhere else, JSON lines', async (t) => {
  const port = await freePort()
  const stack = runStack(start, {
    ...LIGHT_SETTINGS,
    LOG_LEVEL: 'info',
    DRAIN_DELAY_MS: '0',
    PORT: String(port),
    DATA_DIR: await dataDir(t),
    ADMIN_PASSWORD: 'the boss passphrase',
  })
  t.teardown(() => stack.stop('SIGKILL'))
  await stack.waitFor(/ready at/)
  t.equal((await login(port)).status, 200)
  const output = await stack.waitFor(/"service":"gateway".*"msg":"request"/, 10_000)
  const line = output.split('\n').find((l) => l.includes('"service":"gateway"') && l.includes('"url":"/auth/login"'))
  t.match(JSON.parse(line ?? '{}'), { level: 30, service: 'gateway', method: 'POST', url: '/auth/login', statusCode: 200, msg: 'request' })
})

t.test('LOG_FORMAT chooses either way', async (t) => {
  t.equal(resolveLogFormat('auto', true), 'pretty')
  t.equal(resolveLogFormat('auto', false), 'json')
  t.equal(resolveLogFormat('json', true), 'json', 'json on a terminal')
  t.equal(resolveLogFormat('pretty', false), 'pretty', 'pretty into a pipe')
  t.notOk('stream' in (loggerOptions('info', 'auth', 'json') as object), 'JSON goes to stdout as pino writes it')
  t.ok('stream' in (loggerOptions('info', 'auth', 'pretty') as object), 'pretty through a stream in this thread (no transport worker)')

  t.match(loggerOptions('info', 'auth', 'pretty'), { redact: { censor: '[redacted]' } }, 'pretty lines are redacted as JSON ones are')

  let written = ''
  const sink = new Writable({
    write(chunk, _encoding, done) {
      written += chunk.toString()
      done()
    },
  })
  const pretty = prettyLogStream(sink, false)
  const line = (fields: object) => pretty.write(`${JSON.stringify({ time: Date.now(), service: 'auth', pid: 1, hostname: 'h', ...fields })}\n`)
  line({ level: 30, method: 'GET', url: '/user/profile', statusCode: 200, ms: 1.5, ip: '127.0.0.9', reqId: 'r1', msg: 'request' })
  line({ level: 40, password: '[redacted]', detail: 'x', msg: 'a warning' })
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.match(written, /INFO: auth: GET \/user\/profile 200 1\.5 ms from 127\.0\.0\.9\n/, 'a request in one line')
  t.match(written, /WARN: auth: a warning \{"password":"\[redacted\]","detail":"x"\}\n/, 'other fields on the same line')
})
