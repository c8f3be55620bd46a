// The error contract: every problem code comes from a factory of the package that owns it, every route declares the codes
// it answers with, and docs/errors.md lists exactly those, with their statuses, meanings and routes.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { ANY_ROUTE_PROBLEMS } from '@portcullis/shared/problems/any-route'
import { declaredProblems } from '@portcullis/shared/problems/define'
import { CATALOGUE_START, catalogue, catalogueTable, documentWithCatalogue, ERRORS_DOC, serviceRouteProblems } from '../errors-table.ts'

const routes = await serviceRouteProblems()
const entries = catalogue(routes)

t.test('docs/errors.md lists the codes the factories and the route schemas make', async (t) => {
  const document = readFileSync(ERRORS_DOC, 'utf8')
  t.ok(document.includes(CATALOGUE_START), 'docs/errors.md has the catalogue')
  t.equal(documentWithCatalogue(document, catalogueTable(entries)), document, 'docs/errors.md is up to date: pnpm errors:table rewrites it')
})

t.test('every declared problem is answered somewhere, and every code has one owner', async (t) => {
  const problems = declaredProblems()
  t.ok(problems.length >= 30, `${problems.length} problems`)
  for (const entry of entries) t.ok(entry.answeredBy.length > 0, `${entry.code} (${entry.owner}) is answered by some route`)
  t.equal(new Set(problems.map((problem) => problem.code)).size, problems.length, 'no code declared twice')
  for (const problem of problems) {
    t.match(problem.code, /^[a-z][a-z0-9_]*$/, `${problem.code} is snake_case`)
    t.ok(problem.status >= 400 && problem.status < 600, `${problem.code}: an error status`)
    t.ok(problem.meaning.length > 20, `${problem.code} says what it means`)
  }
})

t.test('every route of auth, user and admin declares the codes of its error answers', async (t) => {
  t.ok(routes.length >= 20, `${routes.length} routes`)
  const anyRoute = new Set(ANY_ROUTE_PROBLEMS.map(({ problem }) => problem.code))
  const known = new Set(declaredProblems().map((problem) => problem.code))
  for (const route of routes) {
    const declared = route.codes.filter((code) => !anyRoute.has(code))
    // Routes that refuse nobody: the password settings, the public keys, a passkey sign-in's challenge.
    const open = !/^(GET \/auth\/password-policy|GET \/auth\/\.well-known\/jwks\.json|POST \/auth\/passkeys\/login\/options)$/.test(route.route)
    if (open) t.ok(declared.length > 0, `${route.route} declares what it refuses`)
    for (const code of route.codes) t.ok(known.has(code), `${route.route}: ${code} is a declared problem`)
  }
})

t.test('a route schema that names no code for an error status is seen', async (t) => {
  const { routeProblems } = await import('../errors-table.ts')
  const swagger = () => ({
    paths: {
      '/x/{id}': { get: { responses: { 200: {}, 404: { content: { 'application/json': { schema: { properties: { code: { type: 'string' } } } } } } } } },
    },
  })
  t.same(routeProblems({ swagger } as never), [{ route: 'GET /x/:id', codes: [] }])
})
