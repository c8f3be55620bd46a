// Every deployment form sizes each process's V8 heap as scripts/stack/heap-sizes.ts says (the one owner of the numbers):
// the systemd units' ExecStart=, the images' CMD (which compose and Kubernetes run), the compose command that wraps one,
// and pnpm start's own supervisor (package.json); no manifest replaces an image's command or sets NODE_OPTIONS over it.
import { readdirSync } from 'node:fs'
import { heapFlags, type HeapSized, MALLOC_ENV } from '@portcullis/scripts/stack/heap-sizes'
import t from 'tap'
import { parseAllDocuments, parse as parseYaml } from 'yaml'
import { cmdNodeFlags, imageConfig, parseDockerfile } from './dockerfile.ts'
import { PROCESSES, readRepoFile, repoPath } from './repository.ts'

const expected = (name: HeapSized) => heapFlags(name).split(' ')

t.test('the systemd units run each process with its heap flags', async (t) => {
  for (const process of PROCESSES) {
    const unit = readRepoFile('infra/systemd', `portcullis-${process}@.service`)
    const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? ''
    t.same(
      exec.split(/\s+/).filter((word) => word.startsWith('--')),
      expected(process),
      `portcullis-${process}@.service: ${heapFlags(process)}`,
    )
    for (const [name, value] of Object.entries(MALLOC_ENV)) t.match(unit, new RegExp(`^Environment=${name}=${value}$`, 'm'), `and ${name}=${value}`)
  }
})

t.test('each image runs its process with its heap flags, and compose keeps them where it wraps the command', async (t) => {
  const dockerfile = parseDockerfile(readRepoFile('infra/docker/Dockerfile'))
  for (const process of PROCESSES) {
    t.same(cmdNodeFlags(dockerfile, process), expected(process), `the ${process} image: ${heapFlags(process)}`)
    for (const [name, value] of Object.entries(MALLOC_ENV)) t.equal(imageConfig(dockerfile, process).env.get(name), value, `and ${name}=${value}`)
  }
  const compose = parseYaml(readRepoFile('infra/docker/compose.yaml')) as { services: Record<string, { command?: string[] }> }
  for (const [name, service] of Object.entries(compose.services)) {
    const command = service.command?.join(' ') ?? ''
    const run = /\bnode ((?:--\S+ )*)(\S+\.ts)/.exec(command)
    if (!run) continue
    const process = PROCESSES.find((candidate) => candidate === name)
    if (process) t.same((run[1] ?? '').trim().split(' ').filter(Boolean), expected(process), `compose ${name}: ${heapFlags(process)}`)
  }
})

t.test('the Kubernetes Deployments run their images as built: no command, args or NODE_OPTIONS over the heap flags', async (t) => {
  const dir = repoPath('infra/k8s')
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml'))) {
    for (const document of parseAllDocuments(readRepoFile('infra/k8s', file))) {
      const manifest = document.toJS() as { kind?: string; metadata?: { name?: string }; spec?: { template?: { spec?: { containers?: unknown[] } } } }
      if (manifest?.kind !== 'Deployment') continue
      for (const container of (manifest.spec?.template?.spec?.containers ?? []) as Array<{
        name: string
        command?: unknown
        args?: unknown
        env?: Array<{ name: string }>
      }>) {
        const where = `${file}: ${container.name}`
        t.equal(container.command, undefined, `${where} runs its image's CMD`)
        t.equal(container.args, undefined, `${where} passes no args over it`)
        t.notOk(
          container.env?.some((variable) => variable.name === 'NODE_OPTIONS'),
          `${where} sets no NODE_OPTIONS`,
        )
      }
    }
  }
})

t.test("pnpm start's supervisor runs with its own heap flags", async (t) => {
  const manifest = JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }
  for (const script of ['start', 'start:tls']) {
    const command = manifest.scripts[script] ?? ''
    t.match(command, new RegExp(`^node ${heapFlags('supervisor')} scripts/`), `${script}: ${command}`)
  }
})
