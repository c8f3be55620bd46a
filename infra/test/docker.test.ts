// The container images and the compose file, checked by reading them: no registry is reachable here to build them.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { type AddressInfo, BlockList } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { inheritedPath } from '@portcullis/testkit/settings'
import t from 'tap'
import { isMap, isScalar, parseDocument } from 'yaml'
import {
  cmdScript,
  isNodeCmd,
  type Dockerfile,
  healthcheckCommand,
  type ImageConfig,
  imageConfig,
  isDockerignored,
  isRootUser,
  parseDockerfile,
  parseDockerignore,
  stageChain,
} from './dockerfile.ts'
import { directDependencies, externalPackages, pnpmInstalls, selectedPackages } from './pnpm.ts'
import {
  AGREED_SETTINGS,
  isSecret,
  listed,
  listening,
  PROCESSES,
  processName,
  processOf,
  readEnvFile,
  readRepoFile,
  repoPath,
  repoRoot,
  runtimePackagesOf,
  type StackProcess,
  settingsOf,
  workspacePackages,
} from './repository.ts'

const run = promisify(execFile)
const dockerDir = repoPath('infra/docker')
const dockerfileText = readRepoFile('infra/docker/Dockerfile')
const dockerfile = parseDockerfile(dockerfileText)
const ignorePatterns = parseDockerignore(readRepoFile('.dockerignore'))

/** What compose must provide for infra/nginx/portcullis.conf (written for a host): its web root, certificate files,
 * gateway address and ports. */
const nginxConfig = (() => {
  const text = readRepoFile('infra/nginx/portcullis.conf').replace(/#.*$/gm, '')
  return {
    root: [...text.matchAll(/^\s*root\s+(\S+);/gm)].map((match) => match[1] as string).find((root) => !root.includes('letsencrypt')),
    certificates: [...text.matchAll(/^\s*ssl_certificate(?:_key)?\s+(\S+);/gm)].map((match) => match[1] as string),
    upstreams: [...text.matchAll(/^\s*server\s+([\d.]+):(\d+)/gm)].map((match) => ({ host: match[1] as string, port: Number(match[2]) })),
    listens: [...new Set([...text.matchAll(/^\s*listen\s+(\d+)/gm)].map((match) => Number(match[1])))],
  }
})()

/** The images, and the port each one's process listens on (undefined: a job that listens on nothing). */
const TARGETS: Record<string, number | undefined> = { auth: 8081, user: 8082, admin: 8083, oidc: 8084, gateway: 8080, migrate: undefined }

/** /app/services/auth/src/server.ts → services/auth/src/server.ts, for a path inside the image's /app. */
function inRepo(imagePath: string): string {
  return path.posix.relative('/app', imagePath)
}

/** Whether a COPY from the build context puts `file` (an image path) in the image, with COPY's rules: a directory's
 * contents go into the destination; a file goes into it when it ends with / and becomes it otherwise. */
function copiedFromContext(image: ImageConfig, file: string): boolean {
  return image.copies.some(
    (copy) =>
      copy.from === undefined &&
      copy.sources.some((source) => {
        const full = repoPath(source)
        if (!existsSync(full)) return false
        if (statSync(full).isDirectory()) {
          return (
            file === copy.destination || (file.startsWith(`${copy.destination}/`) && existsSync(path.join(full, path.posix.relative(copy.destination, file))))
          )
        }
        return file === (copy.into ? path.posix.join(copy.destination, path.posix.basename(source)) : copy.destination)
      }),
  )
}

/** The copies of node_modules into an image: from a stage, to a node_modules directory. */
function dependencyCopies(image: ImageConfig): ImageConfig['copies'] {
  return image.copies.filter((copy) => copy.from !== undefined && [copy.destination, ...copy.sources].some((file) => /(^|\/)node_modules(\/|$)/.test(file)))
}

/** The external packages an image's node_modules hold: those of what the pnpm install of the stage they come from
 * selects. Undefined when that is not one install of one stage (dependencyProblems says why). */
function imageDependencies(file: Dockerfile, target: string): Map<string, Set<string>> | undefined {
  const stages = [...new Set(dependencyCopies(imageConfig(file, target)).map((copy) => copy.from as string))]
  if (stages.length !== 1 || !file.stages.some((stage) => stage.name === stages[0])) return undefined
  const installs = imageConfig(file, stages[0] as string).runs.flatMap(pnpmInstalls)
  if (installs.length !== 1) return undefined
  const install = installs[0] as (typeof installs)[number]
  const selection = selectedPackages(install)
  return externalPackages([...(selection.root ? ['.'] : []), ...selection.packages.map((pkg) => pkg.dir)], install.prod)
}

/** "a, b, c and 12 more". */
function some(names: string[], shown = 8): string {
  return names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`
}

/** An image holds the production dependencies of exactly the workspace packages its CMD runs with (its own package and,
 * through their dependencies, the workspace packages it needs: runtimePackagesOf, from each package.json), copied from
 * one stage whose one pnpm install selects those packages and no other; and no other package's sources. */
function dependencyProblems(file: Dockerfile, target: string, image: ImageConfig, script: string): string[] {
  const problems: string[] = []
  const needed = runtimePackagesOf(script)
  const neededNames = needed.map((pkg) => pkg.name)
  for (const copy of image.copies.filter((candidate) => candidate.from === undefined)) {
    for (const source of copy.sources) {
      const owner = workspacePackages().find((pkg) => source === pkg.dir || source.startsWith(`${pkg.dir}/`))
      if (owner && !neededNames.includes(owner.name)) problems.push(`${target}: copies ${source}, which ${script} does not run with (${owner.name})`)
    }
  }
  const copies = dependencyCopies(image)
  const stages = [...new Set(copies.map((copy) => copy.from as string))]
  if (stages.length === 0) return [...problems, `${target}: the dependencies (/app/node_modules) are not copied from any stage`]
  if (stages.length > 1) problems.push(`${target}: copies node_modules from ${stages.join(' and ')}, whose links point into different stores`)
  // The virtual store (/app/node_modules/.pnpm) and each needed package's links into it; nothing else.
  const destinations = ['/app/node_modules', ...needed.map((pkg) => `/app/${pkg.dir}/node_modules`)]
  for (const destination of destinations) {
    if (!copies.some((copy) => copy.destination === destination && copy.sources.includes(destination)))
      problems.push(`${target}: ${destination} is not copied from ${stages.join(' or ')}`)
  }
  for (const copy of copies) {
    if (!destinations.includes(copy.destination)) problems.push(`${target}: copies ${copy.sources.join(' ')} from ${copy.from}, which ${script} does not need`)
  }
  for (const stage of stages) {
    if (!file.stages.some((candidate) => candidate.name === stage)) continue
    const installs = imageConfig(file, stage).runs.flatMap(pnpmInstalls)
    if (installs.length !== 1) {
      problems.push(`${target}: ${stage} runs ${installs.length} pnpm installs, not one`)
      continue
    }
    const install = installs[0] as (typeof installs)[number]
    if (!install.frozenLockfile) problems.push(`${target}: ${stage} installs without --frozen-lockfile`)
    if (!install.prod) problems.push(`${target}: ${stage} installs devDependencies too (no --prod)`)
    let selection: ReturnType<typeof selectedPackages>
    try {
      selection = selectedPackages(install)
    } catch (error) {
      problems.push(`${target}: ${(error as Error).message}`)
      continue
    }
    const selected = selection.packages.map((pkg) => pkg.name)
    for (const name of neededNames.filter((name) => !selected.includes(name)))
      problems.push(`${target}: ${stage} does not install the dependencies of ${name}, which ${script} runs with`)
    const extra = [...(selection.root ? ['the workspace root'] : []), ...selected.filter((name) => !neededNames.includes(name))]
    const wanted = externalPackages(
      needed.map((pkg) => pkg.dir),
      true,
    )
    const held = externalPackages([...(selection.root ? ['.'] : []), ...selection.packages.map((pkg) => pkg.dir)], install.prod)
    const surplus = [...held.keys()].filter((name) => !wanted.has(name))
    if (extra.length > 0 || surplus.length > 0) {
      // Named by what the packages' own package.json files ask for (argon2, not one of its dependencies).
      const importers = [...(selection.root ? ['.'] : []), ...selection.packages.map((pkg) => pkg.dir)]
      const asked = [...new Set(importers.flatMap((importer) => directDependencies(importer, install.prod)))].filter((name) => surplus.includes(name)).sort()
      const whose = extra.length > 0 ? `the dependencies of ${some(extra, 4)}` : 'devDependencies'
      const holds =
        surplus.length === 0
          ? ''
          : `: the image would hold ${some(asked)} (${surplus.length} ${surplus.length === 1 ? 'package' : 'packages'} it does not need)`
      problems.push(`${target}: ${stage} installs ${whose}, which ${script} does not run with${holds}`)
    }
  }
  return problems
}

/** Everything a Dockerfile gets wrong, as messages; empty when it is right. */
function dockerfileProblems(file: Dockerfile): string[] {
  const problems: string[] = []
  const names = file.stages.map((stage) => stage.name)
  if (file.stages.length < 2) problems.push('not multi-stage')
  for (const [target, port] of Object.entries(TARGETS)) {
    if (!names.includes(target)) {
      problems.push(`no target ${target}`)
      continue
    }
    const image = imageConfig(file, target)
    const chain = stageChain(file, target).map((stage) => stage.name)
    if (isRootUser(image.user)) problems.push(`${target}: runs as root (USER ${image.user ?? 'unset'})`)
    if (!/^node:24-bookworm-slim(@sha256:[0-9a-f]+)?$/.test(image.baseImage)) problems.push(`${target}: based on ${image.baseImage}`)
    // Small: no compilers, no pnpm, no dev dependencies; those stay in the build stages.
    if (chain.includes('toolchain')) problems.push(`${target}: built on a build stage`)
    if (image.runs.some((command) => /apt-get install|pnpm|npm i/.test(command))) problems.push(`${target}: installs things in the runtime image`)
    // Only what the process of its CMD reads (migrate's: auth's): the gateway's image has no DATA_DIR.
    const script = cmdScript(file, target)
    const process = script !== undefined && existsSync(repoPath(script)) ? processOf(script) : undefined
    for (const name of image.env.keys())
      if (process !== undefined && !settingsOf(process).has(name)) problems.push(`${target}: ENV ${name}, which ${processName(process)} does not read`)

    const cmd = image.cmd?.exec
    if (!isNodeCmd(cmd)) {
      problems.push(`${target}: CMD is not ["node", "--flag"…, "<script>"]`)
    } else {
      const script = path.posix.resolve(image.workdir, cmd.at(-1) as string)
      if (!existsSync(repoPath(inRepo(script)))) problems.push(`${target}: CMD runs ${inRepo(script)}, which is not in the repository`)
      if (!copiedFromContext(image, script)) problems.push(`${target}: CMD runs ${script}, which no COPY puts in the image`)
      // Node resolves each workspace package through node_modules links, and runs its sources where they are.
      for (const pkg of runtimePackagesOf(inRepo(script))) {
        for (const needed of [`/app/${pkg.dir}/package.json`, `/app/${pkg.dir}/src`]) {
          if (!copiedFromContext(image, needed)) problems.push(`${target}: ${needed} is not copied`)
        }
      }
      if (existsSync(repoPath(inRepo(script)))) problems.push(...dependencyProblems(file, target, image, inRepo(script)))
    }

    const health = image.healthcheck ? healthcheckCommand(image.healthcheck) : undefined
    if (port === undefined) {
      if (health !== 'NONE') problems.push(`${target}: a one-shot job should say HEALTHCHECK NONE`)
      if (image.exposed.length > 0) problems.push(`${target}: a one-shot job exposes ${image.exposed.join(' ')}`)
    } else {
      const { managementPort } = listening(image.env)
      if (health === undefined || health === 'NONE') problems.push(`${target}: no HEALTHCHECK`)
      else if (health[0] !== 'node' || !/fetch\(.*\/healthz/.test(health.join(' '))) problems.push(`${target}: HEALTHCHECK does not fetch /healthz with node`)
      // The public port answers 404 there; which port it does ask is run for real in "each HEALTHCHECK asks …".
      else if (!/process\.env\.MANAGEMENT_PORT/.test(health.join(' '))) problems.push(`${target}: HEALTHCHECK ignores MANAGEMENT_PORT`)
      if (image.env.get('PORT') !== String(port)) problems.push(`${target}: ENV PORT is ${image.env.get('PORT')}, not ${port}`)
      if (!image.exposed.includes(String(port))) problems.push(`${target}: does not EXPOSE ${port}`)
      // EXPOSE is what `docker run -P` publishes: the management port stays off it.
      if (image.exposed.includes(String(managementPort))) problems.push(`${target}: EXPOSEs its management port ${managementPort}`)
      if (image.env.get('HOST') !== '0.0.0.0') problems.push(`${target}: HOST is not 0.0.0.0, so nothing outside the container reaches it`)
    }
  }

  for (const stage of file.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD') continue
      if (instruction.keyword === 'ADD') problems.push(`line ${instruction.line}: ADD instead of COPY`)
      const from = instruction.flags.from
      const parts = instruction.exec ?? instruction.args.split(/\s+/)
      if (from !== undefined) {
        const earlier = file.stages.slice(0, file.stages.indexOf(stage)).map((candidate) => candidate.name)
        if (!earlier.includes(from)) problems.push(`line ${instruction.line}: COPY --from=${from}, which is no earlier stage`)
        continue
      }
      for (const source of parts.slice(0, -1)) {
        if (!existsSync(repoPath(source))) problems.push(`line ${instruction.line}: COPY ${source}, which is not in the repository`)
        else if (isDockerignored(ignorePatterns, source)) problems.push(`line ${instruction.line}: COPY ${source}, which .dockerignore leaves out`)
      }
    }
  }
  return problems
}

t.test('the Dockerfile', async (t) => {
  t.same(dockerfileProblems(dockerfile), [], 'multi-stage; every target non-root, probed on /healthz, running a script that is copied in')

  t.test('the build stages', async (t) => {
    const toolchain = imageConfig(dockerfile, 'toolchain')
    t.match(toolchain.baseImage, /^node:24-bookworm-slim/, 'on node:24-bookworm-slim')
    t.ok(
      toolchain.runs.some((command) => /apt-get install/.test(command) && /python3/.test(command) && /make/.test(command) && /g\+\+/.test(command)),
      'with the compilers node-gyp falls back to for argon2 and better-sqlite3',
    )
    t.ok(
      toolchain.runs.some((command) => /npm i(nstall)? -g pnpm@10/.test(command)),
      'pnpm 10 from npm',
    )
    const build = imageConfig(dockerfile, 'build')
    t.ok(
      build.runs.some((command) => /pnpm install --frozen-lockfile/.test(command)),
      'installs from the lockfile',
    )
    t.ok(
      build.runs.some((command) => /pnpm --filter @portcullis\/web build/.test(command)),
      'builds the web app',
    )
    for (const service of ['auth', 'user', 'admin', 'oidc', 'gateway']) {
      t.ok(
        imageConfig(dockerfile, `${service}-deps`).runs.some((command) =>
          new RegExp(`pnpm install --frozen-lockfile --prod --filter-prod @portcullis/${service}\\.\\.\\.`).test(command),
        ),
        `a production install of ${service}'s package and its workspace dependencies alone`,
      )
    }
    // pnpm install --frozen-lockfile needs every importer of the lockfile: each workspace manifest, before the install.
    const copied = toolchain.copies.flatMap((copy) => copy.sources)
    for (const pkg of workspacePackages()) t.ok(copied.includes(`${pkg.dir}/package.json`), `${pkg.dir}/package.json is copied before the install`)
    for (const file of ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc']) t.ok(copied.includes(file), `${file} is copied before the install`)
  })

  t.test("each image holds its own service's dependencies and no other's (from the package.json files and pnpm-lock.yaml)", async (t) => {
    const held: Record<string, Map<string, Set<string>>> = Object.fromEntries(
      Object.keys(TARGETS).map((target) => [target, imageDependencies(dockerfile, target) ?? new Map()]),
    )
    const keys = (target: string) => [...(held[target]?.keys() ?? [])].sort()
    for (const [target, packages] of Object.entries(held)) t.ok(packages.size > 50, `${target}: ${packages.size} packages`)
    t.same(keys('migrate'), keys('auth'), "the migrate image has auth's")
    const only = (name: string, holders: string[]) => {
      for (const target of Object.keys(TARGETS)) {
        if (holders.includes(target)) t.ok(held[target]?.has(name), `${target} has ${name}`)
        else t.notOk(held[target]?.has(name), `${target} has no ${name}`)
      }
    }
    // user checks the current password of an email change (argon2's verify); admin and the gateway never see a password.
    only('argon2', ['auth', 'migrate', 'user'])
    only('@zxcvbn-ts/language-common', ['auth', 'migrate'])
    only('@fastify/cookie', ['auth', 'migrate'])
    only('ioredis', ['gateway'])
    only('@fastify/http-proxy', ['gateway'])
    // The OpenID Connect provider's library is its image's alone; it hashes no password.
    only('oidc-provider', ['oidc'])
    for (const tool of ['tap', 'typescript', '@biomejs/biome', 'vite', 'react', 'kubernetes-models'])
      for (const target of Object.keys(TARGETS)) t.notOk(held[target]?.has(tool), `${target} has no ${tool} (a dev or another package's dependency)`)
    // The database drivers are @portcullis/database's, which only the processes on the database depend on; kysely (pure
    // JavaScript, the query builder services/shared's session and audit modules run) is the one database package shared keeps.
    only('better-sqlite3', ['auth', 'migrate', 'user', 'admin', 'oidc'])
    only('mysql2', ['auth', 'migrate', 'user', 'admin', 'oidc'])
  })

  t.test('the nginx image serves the web app where infra/nginx/portcullis.conf looks for it', async (t) => {
    const nginx = imageConfig(dockerfile, 'nginx')
    t.match(nginx.baseImage, /^nginx:1\.\d+/, 'on the official nginx image')
    const root = nginxConfig.root
    t.ok(root, 'portcullis.conf has a web root')
    t.ok(
      nginx.copies.some((copy) => copy.from === 'build' && copy.sources.includes('/app/web/dist') && copy.destination === root),
      `web/dist comes from the build stage into ${root}`,
    )
  })

  t.test('the gateway image serves the web app', async (t) => {
    const gateway = imageConfig(dockerfile, 'gateway')
    const webDir = gateway.env.get('WEB_DIR')
    t.equal(webDir, '/app/web/dist')
    t.ok(
      gateway.copies.some((copy) => copy.from === 'build' && copy.sources.includes('/app/web/dist') && copy.destination === webDir),
      'web/dist comes from the build stage into WEB_DIR',
    )
  })

  t.test('each HEALTHCHECK asks the management port: MANAGEMENT_PORT, else PORT + 1000', async (t) => {
    // A management port that answers /healthz; the public port of the same process would answer 404 there.
    const server = createServer((request, response) => {
      response.statusCode = request.url === '/healthz' ? 200 : 404
      response.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
    const management = (server.address() as AddressInfo).port
    for (const [target, port] of Object.entries(TARGETS)) {
      if (port === undefined) continue
      const healthcheck = imageConfig(dockerfile, target).healthcheck
      const command = healthcheck ? healthcheckCommand(healthcheck) : 'NONE'
      if (command === 'NONE' || command[0] !== 'node') {
        t.fail(`${target}: no node HEALTHCHECK to run`)
        continue
      }
      const healthy = (env: Record<string, string>) =>
        run(process.execPath, command.slice(1), { env: { ...inheritedPath(), ...env }, timeout: 10_000 }).then(
          () => true,
          () => false,
        )
      t.ok(await healthy({ PORT: String(management - 1000) }), `${target}: healthy when PORT + 1000 answers`)
      t.ok(await healthy({ PORT: String(port), MANAGEMENT_PORT: String(management) }), `${target}: healthy when MANAGEMENT_PORT answers`)
      t.notOk(await healthy({ PORT: String(management) }), `${target}: not when only PORT answers /healthz`)
    }
  })

  t.test('the checks catch a broken Dockerfile', async (t) => {
    const broken = (from: string, to: string) => {
      t.ok(dockerfileText.includes(from), `the Dockerfile has "${from}"`)
      return dockerfileProblems(parseDockerfile(dockerfileText.replace(from, to)))
    }
    t.match(broken('EXPOSE 8082\nUSER node', 'EXPOSE 8082\nUSER root').join('\n'), /user: runs as root/)
    t.match(broken('"gateway/src/server.ts"]', '"gateway/src/main.ts"]').join('\n'), /gateway: CMD runs gateway\/src\/main\.ts, which is not in the repository/)
    t.match(
      broken('COPY services/admin/src services/admin/src', 'COPY services/admin/source services/admin/src').join('\n'),
      /COPY services\/admin\/source, which is not in the repository/,
    )
    t.match(broken('COPY gateway/src gateway/src', '').join('\n'), /gateway: \/app\/gateway\/src is not copied/)
    t.match(broken('FROM database-runtime AS auth', 'FROM build AS auth').join('\n'), /auth: built on a build stage/)
    t.match(broken('FROM database-runtime AS auth', 'FROM auth-deps AS auth').join('\n'), /auth: built on a build stage/)
    t.match(broken('ENV PORT=8083', 'ENV PORT=8084').join('\n'), /admin: ENV PORT is 8084, not 8083/)
    t.match(
      broken('ENV HOST=0.0.0.0 \\\n', 'ENV HOST=0.0.0.0 DATA_DIR=/data \\\n').join('\n'),
      /gateway: ENV DATA_DIR, which the gateway does not read/,
      'a data directory in the image every process is built on',
    )
    t.match(broken('ENV PORT=8080 \\\n', 'ENV PORT=8080 ARGON2_TIME_COST=3 \\\n').join('\n'), /gateway: ENV ARGON2_TIME_COST, which the gateway does not read/)
    t.match(
      broken('ENV DATA_DIR=/data\n', 'ENV DATA_DIR=/data AUTH_URL=http://auth:8081\n').join('\n'),
      /auth: ENV AUTH_URL, which auth does not read[\s\S]*migrate: ENV AUTH_URL, which auth does not read/,
    )
    t.match(broken('EXPOSE 8081\n', 'EXPOSE 8081 9081\n').join('\n'), /auth: EXPOSEs its management port 9081/)
    t.match(
      dockerfileProblems(
        parseDockerfile(dockerfileText.replaceAll('(process.env.MANAGEMENT_PORT || Number(process.env.PORT) + 1000)', 'process.env.PORT')),
      ).join('\n'),
      /gateway: HEALTHCHECK ignores MANAGEMENT_PORT/,
    )

    // Each image holds its own service's dependencies and no other's.
    t.match(
      broken('--filter-prod @portcullis/gateway...', '--filter @portcullis/gateway...').join('\n'),
      /gateway: gateway-deps installs the dependencies of .*@portcullis\/auth.*, which gateway\/src\/server\.ts does not run with: the image would hold .*argon2/,
      "a --filter, which follows the gateway's devDependencies to auth",
    )
    t.match(
      broken('--filter-prod @portcullis/gateway...', '--filter-prod @portcullis/gateway... --filter-prod @portcullis/auth').join('\n'),
      /gateway: gateway-deps installs the dependencies of @portcullis\/auth, which gateway\/src\/server\.ts does not run with: the image would hold @fastify\/cookie, .*argon2/,
      "auth's dependencies installed for the gateway too",
    )
    t.match(
      broken('--prod --filter-prod @portcullis/user...', '--prod').join('\n'),
      /user: user-deps installs the dependencies of the workspace root, .*@portcullis\/auth.*, which services\/user\/src\/server\.ts does not run with: the image would hold @fastify\/cookie, .*@fastify\/http-proxy/,
      'the whole workspace installed for user',
    )
    t.match(
      broken('--prod --filter-prod @portcullis/admin...', '--filter-prod @portcullis/admin...').join('\n'),
      /admin: admin-deps installs devDependencies too \(no --prod\)[\s\S]*admin: admin-deps installs devDependencies, which services\/admin\/src\/server\.ts does not run with: the image would hold/,
      "admin's devDependencies installed",
    )
    t.match(
      broken('--filter-prod @portcullis/gateway...', '--filter-prod @portcullis/gateway').join('\n'),
      /gateway: gateway-deps does not install the dependencies of @portcullis\/shared, which gateway\/src\/server\.ts runs with/,
      "the gateway's install without its workspace dependencies",
    )
    t.match(
      broken(
        'COPY --from=gateway-deps /app/gateway/node_modules ./gateway/node_modules\n',
        'COPY --from=gateway-deps /app/gateway/node_modules ./gateway/node_modules\nCOPY --from=auth-deps /app/services/auth/node_modules ./services/auth/node_modules\n',
      ).join('\n'),
      /gateway: copies node_modules from gateway-deps and auth-deps, whose links point into different stores\ngateway: copies \/app\/services\/auth\/node_modules from auth-deps, which gateway\/src\/server\.ts does not need/,
      "auth's node_modules copied into the gateway image",
    )
    t.match(
      broken('COPY --from=admin-deps /app/node_modules ./node_modules', 'COPY --from=user-deps /app/node_modules ./node_modules').join('\n'),
      /admin: copies node_modules from user-deps and admin-deps/,
      "user's store under admin's links",
    )
    t.match(
      broken('COPY gateway/src gateway/src\n', 'COPY gateway/src gateway/src\nCOPY services/auth/src services/auth/src\n').join('\n'),
      /gateway: copies services\/auth\/src, which gateway\/src\/server\.ts does not run with \(@portcullis\/auth\)/,
      "auth's sources in the gateway image",
    )
    t.match(
      broken('COPY --from=gateway-deps /app/services/shared/node_modules ./services/shared/node_modules\n', '').join('\n'),
      /gateway: \/app\/services\/shared\/node_modules is not copied from gateway-deps/,
      "shared's links left out of the gateway image",
    )
    t.match(
      broken('RUN pnpm install --frozen-lockfile --prod --filter-prod @portcullis/auth...', 'RUN pnpm install --prod --filter-prod @portcullis/auth...').join(
        '\n',
      ),
      /auth: auth-deps installs without --frozen-lockfile[\s\S]*migrate: auth-deps installs without --frozen-lockfile/,
    )
    t.match(
      broken('--filter-prod @portcullis/user...', '--filter-prod @portcullis/users...').join('\n'),
      /user: pnpm install --frozen-lockfile --prod --filter-prod @portcullis\/users\.\.\.: @portcullis\/users\.\.\. selects no workspace package/,
    )

    const withoutHealthcheck = dockerfileText.replace(/HEALTHCHECK --interval[^\n]*\n[^\n]*\n(CMD \["node", [^\n]*"services\/user)/, '$1')
    t.match(dockerfileProblems(parseDockerfile(withoutHealthcheck)).join('\n'), /user: no HEALTHCHECK/)
  })
})

t.test('.dockerignore keeps the build context to the sources', async (t) => {
  for (const file of ['node_modules', 'services/auth/node_modules', '.data', 'dist', 'web/dist', 'test-artifacts', '.git', '.env', 'infra/docker/.env']) {
    t.ok(isDockerignored(ignorePatterns, file), `${file} is left out`)
  }
  for (const file of ['services/auth/src/server.ts', 'gateway/src/server.ts', 'web/src/main.tsx', 'pnpm-lock.yaml']) {
    t.notOk(isDockerignored(ignorePatterns, file), `${file} is kept`)
  }
})

interface ComposeService {
  image?: string
  build?: { context: string; dockerfile: string; target: string }
  command?: string[]
  environment?: Record<string, string>
  env_file?: Array<{ path: string; required?: boolean }>
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
  volumes?: Array<string | { type: string; source: string; target: string; read_only?: boolean }>
  network_mode?: string
  networks?: string[] | Record<string, { ipv4_address?: string } | null>
  ports?: string[]
  deploy?: { replicas?: number }
  read_only?: boolean
  cap_drop?: string[]
}

interface Compose {
  name: string
  services: Record<string, ComposeService>
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string; ip_range?: string }> } } | null>
  volumes: Record<string, unknown>
  /** The x-*-settings groups: name → the variables it holds. */
  groups: Record<string, string[]>
  /** The variables each service's environment sets itself, not through a merged group. */
  ownEnvironment: Record<string, string[]>
}

function readCompose(text: string): Compose {
  const document = parseDocument(text, { merge: true })
  if (document.errors.length > 0) throw new Error(document.errors.map((error) => error.message).join('\n'))
  const compose = document.toJS() as Compose & Record<string, unknown>
  compose.groups = Object.fromEntries(
    Object.entries(compose)
      .filter(([key]) => /^x-.+-settings$/.test(key))
      .map(([key, value]) => [key, Object.keys(value as object)]),
  )
  compose.ownEnvironment = Object.fromEntries(
    Object.keys(compose.services).map((name) => {
      const environment = document.getIn(['services', name, 'environment'], true)
      const own = isMap(environment) ? environment.items.map((pair) => (isScalar(pair.key) ? pair.key.value : undefined)) : []
      return [name, own.filter((key): key is string => typeof key === 'string')]
    }),
  )
  return compose
}

const composeText = readRepoFile('infra/docker/compose.yaml')
const clientsScript = readRepoFile('infra/docker/clients.sh')

/** The project's own processes, as opposed to MySQL and Nginx. */
function portcullisServices(compose: Compose): Array<[string, ComposeService]> {
  return Object.entries(compose.services).filter(([, service]) => service.build !== undefined && service.build.target !== 'nginx')
}

/** A mount in either syntax, as { source, target }: `./a:/b:ro` or { type: bind, source: ./a, target: /b }. */
function mounts(service: ComposeService | undefined): Array<{ source: string; target: string }> {
  return (service?.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return { source: volume.source, target: volume.target }
    const [source, target] = volume.split(':')
    return { source: source as string, target: target as string }
  })
}

/** The process a compose service runs: that of the node script its command runs, else of its image's CMD (the migrate
 * and clients jobs: auth's commands). */
function processOfService(service: ComposeService): StackProcess | undefined {
  const script = service.command?.join(' ').match(/node (?:--\S+ )*(\S+\.ts)/)?.[1] ?? cmdScript(dockerfile, service.build?.target ?? '')
  return script !== undefined && existsSync(repoPath(script)) ? processOf(script) : undefined
}

/** Every variable a service's process gets: its env files, then its environment. */
function serviceEnvironment(service: ComposeService): Map<string, string> {
  const env = new Map<string, string>()
  for (const file of service.env_file ?? []) {
    const full = path.join(dockerDir, file.path)
    if (existsSync(full)) for (const [name, value] of readEnvFile(full)) env.set(name, value)
  }
  for (const [name, value] of Object.entries(service.environment ?? {})) env.set(name, String(value))
  return env
}

function composeProblems(compose: Compose): string[] {
  const problems: string[] = []
  const names = Object.keys(compose.services)
  const targets = dockerfile.stages.map((stage) => stage.name)
  for (const expected of ['mysql', 'migrate', 'auth', 'user', 'admin', 'oidc', 'gateway', 'nginx']) {
    if (!names.includes(expected)) problems.push(`no ${expected} service`)
  }
  for (const [name, service] of Object.entries(compose.services)) {
    for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
      if (!names.includes(dependency)) problems.push(`${name} depends on ${dependency}, which is no service`)
      if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition))
        problems.push(`${name}: unknown condition ${condition}`)
      if (condition === 'service_healthy' && !compose.services[dependency]?.healthcheck && !compose.services[dependency]?.build) {
        problems.push(`${name} waits for ${dependency} to be healthy, which has no healthcheck`)
      }
    }
    for (const { source } of mounts(service)) {
      if (source.startsWith('.')) {
        // The certificate is made by infra/scripts/self-signed-cert.sh (step one of compose.yaml), not kept in git.
        if (!source.startsWith('./certs/') && !existsSync(path.join(dockerDir, source))) problems.push(`${name} mounts ${source}, which does not exist`)
      } else if (!(source in (compose.volumes ?? {}))) {
        problems.push(`${name} mounts the volume ${source}, which is not declared`)
      }
    }
  }
  for (const [name, { build }] of Object.entries(compose.services)) {
    if (!build) continue
    if (path.resolve(dockerDir, build.context) !== repoRoot) problems.push(`${name}: the build context is not the repository root`)
    if (path.resolve(dockerDir, build.context, build.dockerfile) !== repoPath('infra/docker/Dockerfile')) problems.push(`${name}: builds another Dockerfile`)
    if (!targets.includes(build.target)) problems.push(`${name}: the target ${build.target} is not in the Dockerfile`)
  }
  for (const [name, service] of portcullisServices(compose)) {
    for (const file of service.env_file ?? []) {
      if (file.required !== false && !existsSync(path.join(dockerDir, file.path))) problems.push(`${name}: env_file ${file.path} does not exist`)
    }
    const env = serviceEnvironment(service)
    const process = processOfService(service)
    for (const variable of env.keys())
      if (process !== undefined && !settingsOf(process).has(variable)) problems.push(`${name} gets ${variable}, which ${processName(process)} does not read`)
    for (const variable of ['HOST', 'PORT']) if (env.has(variable)) problems.push(`${name}: sets ${variable}, which the image owns`)
    if (!service.read_only || !service.cap_drop?.includes('ALL')) problems.push(`${name}: not read-only without capabilities`)
    if (env.has('DATABASE_URL') && !/^mysql:\/\/[^@]+@mysql:3306\//.test(env.get('DATABASE_URL') as string))
      problems.push(`${name}: DATABASE_URL is not the mysql service`)
    if (service.command) {
      const script = service.command.join(' ').match(/node (?:--\S+ )*(\S+\.ts)/)?.[1]
      if (script && !existsSync(repoPath(script))) problems.push(`${name}: runs ${script}, which is not in the repository`)
    }
  }

  const mysql = compose.services.mysql
  if (!/^mysql:8(\.|$)/.test(mysql?.image ?? '')) problems.push('mysql is not MySQL 8')
  if (!mysql?.healthcheck?.test?.length) problems.push('mysql has no healthcheck')
  if (compose.services.migrate?.depends_on?.mysql?.condition !== 'service_healthy') problems.push('migrate does not wait for mysql to be healthy')
  for (const name of ['auth', 'clients']) {
    if (compose.services[name]?.depends_on?.migrate?.condition !== 'service_completed_successfully') problems.push(`${name} does not wait for the migrations`)
  }

  // The gateway's upstreams: the auth containers by name (project-service-replica), user, admin and oidc by service name.
  const gateway = serviceEnvironment(compose.services.gateway ?? {})
  const authReplicas = compose.services.auth?.deploy?.replicas ?? 1
  const expected = {
    AUTH_UPSTREAMS: Array.from({ length: authReplicas }, (_, index) => `http://${compose.name}-auth-${index + 1}:${TARGETS.auth}`).join(','),
    USER_UPSTREAMS: `http://user:${TARGETS.user}`,
    ADMIN_UPSTREAMS: `http://admin:${TARGETS.admin}`,
    OIDC_UPSTREAMS: `http://oidc:${TARGETS.oidc}`,
  }
  for (const [variable, value] of Object.entries(expected)) {
    if (gateway.get(variable) !== value) problems.push(`gateway: ${variable} is ${gateway.get(variable)}, not ${value}`)
  }
  for (const name of ['user', 'admin', 'gateway']) {
    if (serviceEnvironment(compose.services[name] ?? {}).get('AUTH_URL') !== `http://auth:${TARGETS.auth}`)
      problems.push(`${name}: AUTH_URL is not the auth service`)
  }

  // Nginx runs infra/nginx/portcullis.conf as shipped: the files it names are mounted where it looks for them.
  const nginx = compose.services.nginx
  const nginxMounts = mounts(nginx)
  const config = nginxMounts.find(({ target }) => /^\/etc\/nginx\/conf\.d\/[^/]+\.conf$/.test(target))
  if (!config || path.resolve(dockerDir, config.source) !== repoPath('infra/nginx/portcullis.conf'))
    problems.push('nginx does not mount infra/nginx/portcullis.conf')
  for (const file of nginxConfig.certificates) {
    const mount = nginxMounts.find(({ target }) => target === file)
    if (!mount?.source.startsWith('./certs/')) problems.push(`nginx: portcullis.conf reads ${file}, which is not mounted from ./certs`)
  }
  for (const { host, port } of nginxConfig.upstreams) {
    // The config's gateway is on its loopback: the gateway's network namespace, on the gateway image's port.
    if (host !== '127.0.0.1' || nginx?.network_mode !== 'service:gateway' || port !== TARGETS.gateway)
      problems.push(`nginx: the gateway ${host}:${port} of portcullis.conf is not reachable`)
  }
  for (const port of nginxConfig.listens) {
    if (!compose.services.gateway?.ports?.some((mapping) => mapping.endsWith(`:${port}`)))
      problems.push(`nginx listens on ${port}, which the gateway's namespace does not publish`)
  }
  if (nginx?.depends_on?.gateway === undefined) problems.push('nginx does not wait for the gateway')
  return [
    ...problems,
    ...ownerProblems(compose),
    ...trustProblems(compose),
    ...publishedPortProblems(compose),
    ...keyEncryptionProblems(compose),
    ...serviceClientProblems(compose, clientsScript),
  ]
}

/** Every setting has one owner: it is in one x-*-settings group, no service's environment sets it over a group it
 * merges, and the settings the processes must agree on reach every one that reads them from the same group (or reach
 * none of them). */
function ownerProblems(compose: Compose): string[] {
  const problems: string[] = []
  const holders = new Map<string, string[]>()
  for (const [group, names] of Object.entries(compose.groups)) for (const name of names) holders.set(name, [...(holders.get(name) ?? []), group])
  for (const [name, groups] of holders) if (groups.length > 1) problems.push(`${name} is in more than one group: ${groups.join(', ')}`)
  const sourceOf = (service: string, name: string): string | undefined => {
    if (compose.ownEnvironment[service]?.includes(name)) return `the environment of ${service}`
    if (!serviceEnvironment(compose.services[service] ?? {}).has(name)) return undefined
    return holders.get(name)?.[0] ?? `the environment of ${service}`
  }
  for (const [service, names] of Object.entries(compose.ownEnvironment)) {
    for (const name of names) {
      const groups = holders.get(name)
      if (groups) problems.push(`${service}: sets ${name} in its environment, over ${groups.join(', ')}`)
    }
  }
  const readers = portcullisServices(compose).flatMap(([name, service]) => {
    const process = processOfService(service)
    return process === undefined ? [] : [{ name, process }]
  })
  for (const setting of AGREED_SETTINGS) {
    const reading = readers.filter(({ process }) => settingsOf(process).has(setting))
    if (new Set(reading.map(({ name }) => sourceOf(name, setting))).size > 1) {
      const processes = PROCESSES.filter((process) => reading.some((reader) => reader.process === process)).map(processName)
      const from = reading.map(({ name }) => `${name}: ${sourceOf(name, setting) ?? 'nothing (its default)'}`)
      problems.push(`${setting}, which ${listed(processes)} must agree on, does not come from one group: ${from.join('; ')}`)
    }
  }
  return problems
}

/** Whether an IPv4 address is inside a CIDR. */
function inSubnet(address: string, cidr: string | undefined): boolean {
  const [network, bits] = (cidr ?? '').split('/')
  if (!network || !bits) return false
  const list = new BlockList()
  list.addSubnet(network, Number(bits))
  return list.check(address)
}

/** The gateway has a fixed address of the project network, its connections' source, and the only one whose
 * X-Forwarded-For (and, for oidc, X-Forwarded-Proto and -Host) auth, user, admin and oidc believe; the gateway itself
 * believes Nginx, on its loopback. */
function trustProblems(compose: Compose): string[] {
  const problems: string[] = []
  const gateway = compose.services.gateway ?? {}
  const networks = Array.isArray(gateway.networks) ? Object.fromEntries(gateway.networks.map((name) => [name, null])) : (gateway.networks ?? {})
  const attached = Object.entries(networks)
  // On two networks its source address would depend on the destination.
  if (attached.length !== 1) return [`gateway: on ${attached.length} networks with a fixed address, not one`]
  const [network, settings] = attached[0] as [string, { ipv4_address?: string } | null]
  const address = settings?.ipv4_address
  if (!address) return [`gateway: no fixed ipv4_address on ${network}`]
  const ipam = compose.networks?.[network]?.ipam?.config?.[0]
  if (!inSubnet(address, ipam?.subnet)) problems.push(`gateway: ${address} is not in the subnet ${ipam?.subnet} of ${network}`)
  // Addresses Docker hands out come from ip_range (the whole subnet without one): a container started first could take it.
  if (!ipam?.ip_range || inSubnet(address, ipam.ip_range)) problems.push(`gateway: ${address} is one Docker may give another container first`)
  const env = serviceEnvironment(gateway)
  if (env.get('PROXY_SOURCE_ADDRESS') !== address)
    problems.push(`gateway: PROXY_SOURCE_ADDRESS is ${env.get('PROXY_SOURCE_ADDRESS')}, not its address ${address}`)
  if (env.get('TRUST_PROXY') !== '127.0.0.1') problems.push(`gateway: TRUST_PROXY is ${env.get('TRUST_PROXY')}, not Nginx's 127.0.0.1`)
  for (const name of ['auth', 'user', 'admin', 'oidc']) {
    const trust = serviceEnvironment(compose.services[name] ?? {}).get('TRUST_PROXY')
    if (trust !== address) problems.push(`${name}: TRUST_PROXY is ${trust}, not the gateway's address ${address}`)
  }
  return problems
}

/** Only Nginx's ports are published (from the gateway's namespace, which Nginx shares); no management port ever is. */
function publishedPortProblems(compose: Compose): string[] {
  const problems: string[] = []
  for (const [name, service] of portcullisServices(compose)) {
    const target = service.build?.target ?? ''
    // An unknown target is reported by composeProblems already.
    if (!dockerfile.stages.some((stage) => stage.name === target)) continue
    const env = new Map([...imageConfig(dockerfile, target).env, ...serviceEnvironment(service)])
    const { managementPort } = listening(env)
    for (const mapping of service.ports ?? []) {
      const containerPort = Number(mapping.split(':').at(-1)?.split('/')[0])
      if (containerPort === managementPort) problems.push(`${name}: publishes its management port ${managementPort}`)
      else if (name !== 'gateway' || !nginxConfig.listens.includes(containerPort)) problems.push(`${name}: publishes ${mapping}, which is not Nginx's`)
    }
    const healthcheck = service.healthcheck?.test?.join(' ')
    if (healthcheck !== undefined && !healthcheck.includes('MANAGEMENT_PORT') && !healthcheck.includes(`:${managementPort}/`))
      problems.push(`${name}: its healthcheck does not ask the management port ${managementPort}`)
  }
  return problems
}

/** KEY_ENCRYPTION_KEY(_PREVIOUS) reach auth and the auth commands (the migrate image) and the OpenID Connect provider,
 * which signs with the same key ring, and no other container. */
function keyEncryptionProblems(compose: Compose): string[] {
  const problems: string[] = []
  for (const [name, service] of portcullisServices(compose)) {
    const env = serviceEnvironment(service)
    const needs = ['auth', 'migrate', 'oidc'].includes(service.build?.target ?? '')
    for (const variable of ['KEY_ENCRYPTION_KEY', 'KEY_ENCRYPTION_KEY_PREVIOUS']) {
      if (needs && !env.get(variable)?.includes(`\${${variable}`))
        problems.push(`${name}: ${variable} is not \${${variable}} of infra/docker/.env or the shell`)
      if (!needs && env.has(variable)) problems.push(`${name}: gets ${variable}, which only auth and oidc need`)
    }
  }
  return problems
}

/** The service client: the `clients` job (clients.sh) makes the gateway's alone, with the scope of the revocation feed,
 * and the gateway sources it; user and admin write sessions and revocations in their own transactions and neither mount,
 * source nor wait for it. No credential is written into compose.yaml itself. */
function serviceClientProblems(compose: Compose, script: string): string[] {
  const problems: string[] = []
  const clients = compose.services.clients
  if (!clients) problems.push('no clients job')
  else if (clients.command?.join(' ') !== 'sh /app/clients.sh') problems.push(`clients runs ${clients.command?.join(' ')}, not sh /app/clients.sh`)
  const provisioned = [...script.matchAll(/^provision (.*)$/gm)].map((match) => match[1])
  if (provisioned.join('\n') !== "gateway gateway 'revocations:read identity:issue'")
    problems.push(`clients.sh provisions ${provisioned.join('; ') || 'nothing'}, not the gateway's client alone (revocations:read identity:issue)`)
  for (const [name, service] of portcullisServices(compose)) {
    if (name === 'clients') continue
    const sourced = /\. \/clients\/(\S+)\.env && set \+a && exec node /.exec(service.command?.join(' ') ?? '')?.[1]
    const mounted = mounts(service).some(({ source }) => source === 'service-clients')
    const waits = service.depends_on?.clients !== undefined
    if (name === 'gateway') {
      if (sourced !== 'gateway') problems.push('gateway does not source /clients/gateway.env before it starts')
      if (!service.volumes?.includes('service-clients:/clients:ro')) problems.push('gateway does not mount the clients volume read-only at /clients')
      if (service.depends_on?.clients?.condition !== 'service_completed_successfully') problems.push('gateway does not wait for the clients job')
    } else {
      if (sourced !== undefined || mounted) problems.push(`${name}: reads a service client, which only the gateway has`)
      if (waits) problems.push(`${name}: waits for the clients job, which makes only the gateway's client`)
    }
    for (const variable of ['SERVICE_CLIENT_ID', 'SERVICE_CLIENT_SECRET'])
      if (serviceEnvironment(service).has(variable)) problems.push(`${name}: gets ${variable} from compose.yaml, not from the clients job`)
  }
  return problems
}

t.test('compose.yaml', async (t) => {
  const compose = readCompose(composeText)
  t.same(composeProblems(compose), [], 'services, targets, dependencies, settings and mounts agree with the rest of the repository')

  t.test("the clients job makes the gateway's client, which the gateway alone sources", async (t) => {
    t.same(serviceClientProblems(compose, clientsScript), [], 'only the gateway mounts, sources and waits for it: user and admin have no client')
    for (const name of ['user', 'admin']) {
      t.equal(compose.services[name]?.command, undefined, `${name} runs its image's CMD, sourcing nothing`)
    }

    t.test('the check catches a client where it does not belong', async (t) => {
      const broken = (from: string | RegExp, to: string) => {
        t.match(composeText, from, `compose.yaml has ${from}`)
        return serviceClientProblems(readCompose(composeText.replace(from, to)), clientsScript).join('\n')
      }
      t.match(
        broken(
          '    image: portcullis/user\n',
          "    image: portcullis/user\n    command: ['sh', '-c', 'set -a && . /clients/user.env && set +a && exec node services/user/src/server.ts']\n",
        ),
        /user: reads a service client, which only the gateway has/,
      )
      t.match(
        broken(/( {4}image: portcullis\/admin\n(?:.*\n)*? {4}depends_on:\n)/, '$1      clients:\n        condition: service_completed_successfully\n'),
        /admin: waits for the clients job, which makes only the gateway's client/,
      )
      t.match(broken('    volumes:\n      - service-clients:/clients:ro\n', ''), /gateway does not mount the clients volume read-only at \/clients/)
      t.match(
        broken('      ADMIN_UPSTREAMS: http://admin:8083\n', '      ADMIN_UPSTREAMS: http://admin:8083\n      SERVICE_CLIENT_SECRET: hunter2\n'),
        /gateway: gets SERVICE_CLIENT_SECRET from compose.yaml, not from the clients job/,
      )
      t.match(
        serviceClientProblems(compose, `provision user user-service 'sessions:revoke'\n${clientsScript}`).join('\n'),
        /clients\.sh provisions user user-service 'sessions:revoke'; gateway gateway 'revocations:read identity:issue', not the gateway's client alone/,
      )
    })
  })

  const gatewayGroups = '<<: [*common-settings, *auth-url-settings, *gateway-settings]'
  t.test('the checks catch a broken compose file', async (t) => {
    const broken = (from: string | RegExp, to: string) => {
      t.match(composeText, from, `compose.yaml has ${from}`)
      return composeProblems(readCompose(composeText.replace(from, to))).join('\n')
    }
    t.match(broken('target: admin', 'target: admins'), /admin: the target admins is not in the Dockerfile/)
    t.match(
      broken(/ {6}mysql:\n {8}condition: service_healthy/, '      mysqld:\n        condition: service_healthy'),
      /migrate depends on mysqld, which is no service/,
    )
    t.match(broken(/ {4}healthcheck:\n(?: {6}.*\n)+/, ''), /mysql has no healthcheck/)
    t.match(
      broken('      USER_UPSTREAMS: http://user:8082', '      USER_UPSTREAM: http://user:8082'),
      /gateway gets USER_UPSTREAM, which the gateway does not read/,
    )
    t.match(broken('../nginx/portcullis.conf', '../nginx/nginx.conf'), /nginx does not mount infra\/nginx\/portcullis.conf/)
    t.match(broken('    network_mode: service:gateway\n', ''), /nginx: the gateway 127\.0\.0\.1:8080 of portcullis.conf is not reachable/)
    t.match(broken("      - '443:443'\n", ''), /nginx listens on 443, which the gateway's namespace does not publish/)
    t.match(
      broken('/etc/letsencrypt/live/portcullis.example.com/privkey.pem', '/etc/nginx/privkey.pem'),
      /portcullis.conf reads \/etc\/letsencrypt\/live\/portcullis.example.com\/privkey.pem, which is not mounted/,
    )
    t.match(
      broken(/( {4}image: portcullis\/user\n {4}environment:\n {6}<<: .*\n {6})TRUST_PROXY: \*gateway-address/, '$1TRUST_PROXY: 172.16.0.0/12'),
      /user: TRUST_PROXY is 172\.16\.0\.0\/12, not the gateway's address 172\.30\.0\.10/,
      'a service believing the whole network',
    )
    t.match(broken('          ip_range: 172.30.0.128/25\n', ''), /gateway: 172\.30\.0\.10 is one Docker may give another container first/)
    t.match(broken('ipv4_address: *gateway-address', 'ipv4_address: 172.31.0.10'), /gateway: 172\.31\.0\.10 is not in the subnet 172\.30\.0\.0\/24/)
    t.match(broken('      PROXY_SOURCE_ADDRESS: *gateway-address\n', ''), /gateway: PROXY_SOURCE_ADDRESS is undefined/)
    t.match(broken("      - '443:443'\n", "      - '443:443'\n      - '9080:9080'\n"), /gateway: publishes its management port 9080/)
    t.match(
      broken(/( {4}image: portcullis\/admin\n {4}environment:\n {6}<<: .*\n {6}TRUST_PROXY: \*gateway-address\n)/, "$1    ports:\n      - '8083:8083'\n"),
      /publishes 8083:8083, which is not Nginx's/,
    )
    t.match(
      broken(
        /( {6})<<: \[\*common-settings, \*database-settings, \*signing-settings, \*auth-settings\]\n( {6}TRUST_PROXY)/,
        '$1<<: [*common-settings, *database-settings, *auth-settings]\n$2',
      ),
      /auth: KEY_ENCRYPTION_KEY is not \$\{KEY_ENCRYPTION_KEY\}/,
      'auth without the key',
    )
    t.match(
      broken(/( {6})<<: \[\*common-settings, \*database-settings, \*signing-settings\]\n/, '$1<<: [*common-settings, *database-settings]\n'),
      /oidc: KEY_ENCRYPTION_KEY is not \$\{KEY_ENCRYPTION_KEY\}/,
      'the OpenID Connect provider without the key of the ring it signs with',
    )
    t.match(
      broken(gatewayGroups, '<<: [*common-settings, *auth-url-settings, *gateway-settings, *signing-settings, *auth-settings]'),
      /gateway gets ARGON2_TIME_COST, which the gateway does not read[\s\S]*gateway: gets KEY_ENCRYPTION_KEY, which only auth and oidc need/,
      "auth's settings given to the gateway",
    )
    t.match(broken('      OIDC_UPSTREAMS: http://oidc:8084\n', ''), /gateway: OIDC_UPSTREAMS is undefined, not http:\/\/oidc:8084/)
  })

  t.test("each container gets only its own process's settings, each from one group", async (t) => {
    const broken = (from: string | RegExp, to: string) => {
      t.match(composeText, from, `compose.yaml has ${from}`)
      return composeProblems(readCompose(composeText.replace(from, to))).join('\n')
    }
    const env = (name: string) => serviceEnvironment(compose.services[name] ?? {})
    for (const name of ['auth', 'migrate', 'clients']) t.ok(env(name).has('ARGON2_TIME_COST'), `${name} gets auth's settings`)
    for (const name of ['user', 'admin', 'oidc', 'gateway']) t.notOk(env(name).has('ARGON2_TIME_COST'), `${name} does not`)
    for (const name of ['auth', 'migrate', 'oidc']) t.ok(env(name).has('KEY_ENCRYPTION_KEY'), `${name} gets the key ring's key-encryption key`)
    t.same(
      ['auth', 'user', 'admin', 'oidc'].map((name) => env(name).get('PUBLIC_URL')),
      Array(4).fill(`\${${'PUBLIC_URL'}:-https://localhost}`),
      "the issuer and the links in mails: Nginx's origin unless set, from one group",
    )
    t.notOk(env('gateway').has('DATABASE_URL'), 'the gateway gets no database')
    t.notOk(env('auth').has('AUTH_URL'), 'auth gets no AUTH_URL')
    const common = compose.groups['x-common-settings'] ?? []
    t.ok(common.includes('TOKEN_ISSUER'), 'a group for what every process reads')
    t.same(common.filter(isSecret), [], 'the settings every container gets hold no secret')

    t.match(
      broken('      ADMIN_UPSTREAMS: http://admin:8083\n', '      ADMIN_UPSTREAMS: http://admin:8083\n      ARGON2_TIME_COST: 3\n'),
      /gateway gets ARGON2_TIME_COST, which the gateway does not read/,
      "an argon2 parameter in the gateway's environment",
    )
    t.match(
      broken(gatewayGroups, '<<: [*common-settings, *database-settings, *auth-url-settings, *gateway-settings]'),
      /gateway gets DATABASE_URL, which the gateway does not read/,
      'the database given to the gateway',
    )
    t.match(
      broken(
        /( {6})<<: \[\*common-settings, \*database-settings, \*signing-settings, \*auth-settings\]\n( {6}TRUST_PROXY)/,
        '$1<<: [*common-settings, *database-settings, *signing-settings, *auth-settings, *auth-url-settings]\n$2',
      ),
      /auth gets AUTH_URL, which auth does not read/,
      'AUTH_URL given to auth',
    )
    t.match(
      broken(
        "    command: ['sh', '/app/clients.sh']\n    environment:\n",
        "    command: ['sh', '/app/clients.sh']\n    environment:\n      AUTH_URL: http://auth:8081\n",
      ),
      /clients gets AUTH_URL, which auth does not read/,
      "the clients job, which runs auth's create-client, given AUTH_URL",
    )
    t.match(
      broken('x-common-settings: &common-settings\n', "x-common-settings: &common-settings\n  COOKIE_SECURE: 'true'\n"),
      /user gets COOKIE_SECURE, which user does not read[\s\S]*gateway gets COOKIE_SECURE, which the gateway does not read[\s\S]*COOKIE_SECURE is in more than one group: x-common-settings, x-auth-settings/,
      'an auth setting in the group every container gets',
    )
    t.match(
      broken('x-auth-settings: &auth-settings\n', 'x-auth-settings: &auth-settings\n  REFRESH_IDLE_TTL: 3600\n'),
      /REFRESH_IDLE_TTL is in more than one group: x-database-settings, x-auth-settings/,
      "REFRESH_IDLE_TTL also in auth's group",
    )
    t.match(
      broken(/( {4}image: portcullis\/user\n {4}environment:\n {6}<<: .*\n)/, "$1      REFRESH_IDLE_TTL: '3600'\n"),
      /user: sets REFRESH_IDLE_TTL in its environment, over x-database-settings[\s\S]*REFRESH_IDLE_TTL, which auth, user, admin and oidc must agree on, does not come from one group: .*user: the environment of user/,
      "user's own REFRESH_IDLE_TTL",
    )
    t.match(
      broken(
        /( {4}image: portcullis\/admin\n {4}environment:\n {6})<<: \[\*common-settings, \*database-settings, \*auth-url-settings\]/,
        '$1<<: [*common-settings, *auth-url-settings]',
      ),
      /DATABASE_URL, which auth, user, admin and oidc must agree on, does not come from one group: .*admin: nothing \(its default\)/,
      'admin without the database group, on an embedded database of its own',
    )
  })
})

t.test("clients.sh creates the gateway's client, and only it, once", async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-clients-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  // As in the migrate image: run from the repository root; here on an embedded SQLite database instead of MySQL.
  const env = { ...inheritedPath(), HOME: dir, DATA_DIR: dir, CLIENTS_DIR: dir, LOG_LEVEL: 'warn' }
  const envFiles = () => readdirSync(dir).filter((file) => file.endsWith('.env'))
  const first = await run('sh', [path.join(dockerDir, 'clients.sh')], { cwd: repoRoot, env })
  t.same(envFiles(), ['gateway.env'], 'gateway.env alone: user and admin have no client')
  const text = readFileSync(path.join(dir, 'gateway.env'), 'utf8')
  t.match(text, /^SERVICE_CLIENT_ID=gateway\S*\nSERVICE_CLIENT_SECRET=\S+\n$/, "gateway.env holds the gateway client's id and secret")
  t.match(first.stdout, /created the gateway client \(revocations:read identity:issue\)/, 'with the scopes of the revocation feed and the identity tokens')
  t.notMatch(first.stdout, text.split('\n')[1]?.split('=')[1] as string, 'the secret is not logged')
  const second = await run('sh', [path.join(dockerDir, 'clients.sh')], { cwd: repoRoot, env })
  t.match(second.stdout, /keeping the gateway client/, 'a second run keeps what the first made')
  t.equal(readFileSync(path.join(dir, 'gateway.env'), 'utf8'), text, 'gateway.env is unchanged')
  t.same(envFiles(), ['gateway.env'], 'and makes no other')
})
