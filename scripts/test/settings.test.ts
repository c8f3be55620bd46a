// The settings are declared once (each process's config.ts) and everything that lists them is checked against that: the
// README's table, .env.example, and what pnpm start hands each process. Nothing reads the environment but a settings module.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { readmeWithTable, settingsTable, declaredSettings, README, TABLE_START } from '../settings-table.ts'
import { loadStackConfig, PROCESS_SETTINGS } from '../stack/settings.ts'

const root = path.dirname(README)

t.test("the README's table is the one the declarations make", async (t) => {
  const readme = readFileSync(README, 'utf8')
  t.ok(readme.includes(TABLE_START), 'the README has a settings table')
  t.equal(readmeWithTable(readme), readme, 'README.md is up to date: pnpm settings:table rewrites it')
  for (const setting of declaredSettings()) t.match(settingsTable(), `| \`${setting.name}\` |`, setting.name)
})

t.test('every setting has a description, and one meaning wherever two processes read it', async (t) => {
  const seen = new Map<string, string>()
  for (const [process, schema] of Object.entries(PROCESS_SETTINGS)) {
    for (const [name, property] of Object.entries(schema.properties as Record<string, { description?: string; default?: unknown }>)) {
      t.ok(property.description && property.description.length > 10, `${process}: ${name} says what it is`)
      const meaning = JSON.stringify([property.description, property.default])
      const earlier = seen.get(name)
      if (earlier !== undefined) t.equal(meaning, earlier, `${name}: the same declaration in every process that reads it`)
      seen.set(name, meaning)
    }
  }
})

/** NAME=value lines of .env.example, in order. */
function exampleLines(): Array<[string, string]> {
  return readFileSync(path.join(root, '.env.example'), 'utf8')
    .split('\n')
    .map((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => [match[1] as string, match[2] as string])
}

t.test('.env.example lists every setting once, with its default, and nothing else', async (t) => {
  const lines = exampleLines()
  const declared = declaredSettings()
  const names = lines.map(([name]) => name)
  t.same(
    names.filter((name, index) => names.indexOf(name) !== index),
    [],
    'no setting twice',
  )
  t.same(
    names.filter((name) => !declared.some((setting) => setting.name === name)),
    [],
    'no name that no process reads',
  )
  for (const setting of declared) {
    const line = lines.find(([name]) => name === setting.name)
    if (!t.ok(line, `${setting.name} is in .env.example`) || !line) continue
    t.equal(line[1], setting.default === undefined ? '' : String(setting.default), `${setting.name}: its default (empty: unset)`)
  }
})

t.test('.env.example, as it is, is a valid environment for every process', async (t) => {
  const env = Object.fromEntries(exampleLines())
  t.doesNotThrow(() => loadStackConfig(env))
})

t.test('pnpm start hands each process its own settings, and whatever is no Portcullis setting', async (t) => {
  const stack = loadStackConfig({
    PATH: '/bin',
    HOME: '/home/x',
    ARGON2_TIME_COST: '3',
    RATE_LIMIT_PER_IP: '7',
    DATABASE_URL: 'mysql://u:p@db/pc',
    HTTPS_PORT: '9443',
  })
  t.match(stack.inherited.auth, { PATH: '/bin', HOME: '/home/x', ARGON2_TIME_COST: '3', DATABASE_URL: 'mysql://u:p@db/pc' })
  t.notOk('RATE_LIMIT_PER_IP' in stack.inherited.auth, "auth does not get the gateway's rate limit")
  t.match(stack.inherited.gateway, { PATH: '/bin', RATE_LIMIT_PER_IP: '7' })
  for (const name of ['ARGON2_TIME_COST', 'DATABASE_URL', 'HTTPS_PORT']) t.notOk(name in stack.inherited.gateway, `the gateway does not get ${name}`)
  t.notOk('ARGON2_TIME_COST' in stack.inherited.user, 'nor does user get the argon2 parameters')
  t.match(stack.inherited.oidc, { PATH: '/bin', DATABASE_URL: 'mysql://u:p@db/pc' }, 'the OpenID Connect provider gets the database')
  for (const name of ['ARGON2_TIME_COST', 'RATE_LIMIT_PER_IP', 'HTTPS_PORT']) t.notOk(name in stack.inherited.oidc, `the provider does not get ${name}`)
})

t.test("pnpm start refuses any process's bad setting before it starts anything", async (t) => {
  t.throws(() => loadStackConfig({ ARGON2_TIME_COST: 'lots' }), { message: /^ARGON2_TIME_COST must be a whole number/ })
  t.throws(() => loadStackConfig({ USER_UPSTREAMS: 'ftp://x' }), { message: /^USER_UPSTREAMS must start with http:\/\// })
  t.throws(() => loadStackConfig({ OIDC_UPSTREAMS: 'ftp://x' }), { message: /^OIDC_UPSTREAMS must start with http:\/\// })
})

/** `process.env` in code, not in a string: a quoted mention (a Dockerfile line in a test) is not a read. */
function readsEnvironment(source: string): boolean {
  return source.split('\n').some((line) => /\bprocess\.env\b/.test(line.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''")))
}

t.test('nothing but a settings module reads process.env, scripts and tests included', async (t) => {
  const files = execFileSync('git', ['ls-files', '*.ts', '*.tsx', '*.mts', '*.js', '*.mjs'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean)
  t.ok(files.length > 100, `${files.length} files`)
  const settingsModule = (file: string) => /(^|\/)(config|settings|vite\.config)\.ts$/.test(file) || /\/settings\/[^/]+\.ts$/.test(file)
  const offenders = files.filter((file) => !settingsModule(file) && readsEnvironment(readFileSync(path.join(root, file), 'utf8')))
  t.same(offenders, [], 'process.env is read in config.ts, settings.ts or settings/ only')
  t.ok(readsEnvironment('const port = process.env.PORT'), 'a read is seen')
  t.notOk(readsEnvironment("text.replace('process.env.PORT', '')"), 'a mention in a string is not')
})
