// APPS_FILE's checks: every mistake is named by the file, the app and the field, and a good file in YAML or JSON reads the
// same; prefixes may not be or shadow Portcullis' own paths or each other; rules match their path and what is below it.
import t, { type Test } from 'tap'
import { appAccess } from '../src/apps/app-access.ts'
import { type AppDefinition, AppsFileError, parseApps } from '../src/apps/apps-file.ts'

const FILE = '/etc/portcullis/apps.yaml'
const good = { name: 'echo', prefix: '/echo', upstreams: ['http://127.0.0.1:9000'], access: 'user' }

function refused(t: Test, apps: unknown, pattern: RegExp, what: string) {
  t.throws(() => parseApps(JSON.stringify({ apps }), FILE), AppsFileError, what)
  try {
    parseApps(JSON.stringify({ apps }), FILE)
  } catch (error) {
    t.match((error as Error).message, pattern, what)
  }
}

t.test('a good file, in YAML and in JSON', async (t) => {
  const yaml = `apps:
  - name: echo
    prefix: /echo
    upstreams: [http://127.0.0.1:9000, "http://127.0.0.1:9001/"]
    access: user
    strip_prefix: true
    rules:
      - { path: /echo/public, access: public }
      - { path: /echo/reports, methods: [post, GET], access: admin }
`
  const [app] = parseApps(yaml, FILE)
  t.equal(app?.name, 'echo')
  t.same(app?.upstreams, ['http://127.0.0.1:9000', 'http://127.0.0.1:9001'], 'trailing slashes dropped')
  t.equal(app?.stripPrefix, true)
  t.same([...(app?.rules[1]?.methods ?? [])].sort(), ['GET', 'HEAD', 'POST'], 'methods upper-cased, GET brings HEAD')
  t.same(parseApps(JSON.stringify({ apps: [good] }), FILE)[0]?.prefix, '/echo')
  t.same(parseApps('apps: []', FILE), [], 'no apps is fine')
})

t.test('each mistake names the file, the app and the field', async (t) => {
  refused(t, [{ ...good, name: 'Echo App' }], /apps\.yaml\): apps\[0\] "Echo App": name must be/, 'a bad name')
  refused(t, [{ ...good, prefix: 'echo' }], /apps\[0\] "echo": prefix must be a path/, 'a prefix without /')
  refused(t, [{ ...good, prefix: '/echo/' }], /prefix must be a path/, 'a trailing slash')
  for (const own of ['/auth', '/user', '/admin', '/docs', '/auth/x', '/login']) {
    refused(t, [{ ...good, prefix: own }], /would shadow .* Portcullis' own/, `${own} is ours`)
  }
  refused(t, [{ ...good, upstreams: [] }], /upstreams must list at least one/, 'no upstream')
  refused(t, [{ ...good, upstreams: ['ftp://x'] }], /upstreams\[0\] "ftp:\/\/x" is not an http/, 'not http')
  refused(t, [{ ...good, access: 'everyone' }], /access must be public, user or admin/, 'a bad access')
  refused(t, [{ ...good, rules: [{ path: '/other', access: 'public' }] }], /rules\[0\]\.path "\/other" is not under the app's prefix/, 'a rule elsewhere')
  refused(t, [{ ...good, rules: [{ path: '/echo/x', methods: ['FETCH'], access: 'public' }] }], /rules\[0\]\.methods "FETCH" is not one of/, 'a bad method')
  refused(t, [{ ...good, rules: [{ path: '/echo/x', access: 'public', role: 'x' }] }], /rules\[0\]\.role is not a rule field/, 'an unknown rule field')
  refused(t, [{ ...good, strip: true }], /apps\[0\] "echo": strip is not an app field/, 'an unknown field')
  refused(t, [good, { ...good, prefix: '/other' }], /two apps are named "echo"/, 'two of one name')
  refused(
    t,
    [good, { ...good, name: 'inner', prefix: '/echo/inner' }],
    /prefixes of "echo" \(\/echo\) and "inner" \(\/echo\/inner\) overlap/,
    'one inside another',
  )
  t.throws(
    () => parseApps(JSON.stringify({ apps: [{ ...good, name: 'portcullis' }] }), FILE, ['portcullis']),
    /name "portcullis" is the access tokens' audience \(TOKEN_AUDIENCE\)/,
    "the access tokens' audience",
  )
  t.throws(() => parseApps('apps: [', FILE), /is not valid YAML or JSON/, 'not YAML')
  t.throws(() => parseApps('name: echo', FILE), /must hold "apps:"/, 'no list')
})

t.test('rules: the first whose path covers the request (and whose methods include its method) decides', async (t) => {
  const app = parseApps(
    JSON.stringify({
      apps: [
        {
          ...good,
          access: 'user',
          rules: [
            { path: '/echo/admin', access: 'admin' },
            { path: '/echo/reports', methods: ['POST'], access: 'admin' },
            { path: '/echo', methods: ['GET'], access: 'user' },
            { path: '/echo/public', access: 'public' },
          ],
        },
      ],
    }),
    FILE,
  )[0] as AppDefinition
  t.equal(appAccess(app, 'GET', '/echo/admin/settings'), 'admin', 'below a rule’s path')
  t.equal(appAccess(app, 'GET', '/echo/administrators'), 'user', 'a longer word is not below it')
  t.equal(appAccess(app, 'POST', '/echo/reports'), 'admin')
  t.equal(appAccess(app, 'GET', '/echo/reports/'), 'user', 'another method falls through; a trailing slash is the same path')
  t.equal(appAccess(app, 'GET', '/echo/public'), 'user', 'an earlier rule wins')
  t.equal(appAccess(app, 'POST', '/echo/public'), 'public')
  t.equal(appAccess(app, 'DELETE', '/echo/x'), 'user', "no rule: the app's access")
})
