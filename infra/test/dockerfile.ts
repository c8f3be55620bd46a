// A small Dockerfile reader: instructions per stage, the settings a target ends up with through its FROM chain, and
// .dockerignore matching. Enough for the images of infra/docker, which no registry here lets us build.
import path from 'node:path'

export interface Instruction {
  keyword: string
  /** The text after the keyword and its --flags, continuation lines joined. */
  args: string
  flags: Record<string, string>
  /** The exec (JSON) form, when args is one: ["node", "server.ts"]. */
  exec: string[] | undefined
  line: number
}

export interface Stage {
  name: string | undefined
  /** The FROM image with ARG defaults substituted, or the name of an earlier stage. */
  base: string
  instructions: Instruction[]
  line: number
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string>
  stages: Stage[]
}

function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined
  try {
    const parsed: unknown = JSON.parse(args)
    return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : undefined
  } catch {
    return undefined
  }
}

function splitFlags(rest: string): { flags: Record<string, string>; args: string } {
  const flags: Record<string, string> = {}
  let args = rest
  for (;;) {
    const match = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(args)
    if (!match) break
    flags[match[1] as string] = match[2] ?? 'true'
    args = args.slice(match[0].length)
  }
  return { flags, args }
}

/** Logical lines: comments dropped (also inside continuations, as Docker does), `\` continuations joined. */
function logicalLines(text: string): Array<{ text: string; line: number }> {
  const lines: Array<{ text: string; line: number }> = []
  let current: { text: string; line: number } | undefined
  text.split('\n').forEach((raw, index) => {
    const trimmed = raw.trim()
    if (trimmed.startsWith('#') || (trimmed === '' && current === undefined)) return
    const continues = trimmed.endsWith('\\')
    const body = continues ? trimmed.slice(0, -1).trim() : trimmed
    current = current ? { text: `${current.text} ${body}`.trim(), line: current.line } : { text: body, line: index + 1 }
    if (!continues) {
      lines.push(current)
      current = undefined
    }
  })
  if (current) lines.push(current)
  return lines
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs = new Map<string, string>()
  const stages: Stage[] = []
  for (const { text: line, line: number } of logicalLines(text)) {
    const match = /^(\S+)\s*(.*)$/.exec(line)
    if (!match) continue
    const keyword = (match[1] as string).toUpperCase()
    const { flags, args } = splitFlags(match[2] as string)
    const instruction: Instruction = { keyword, args, flags, exec: execForm(args), line: number }
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)
      if (!from) throw new Error(`line ${number}: cannot read FROM ${args}`)
      const base = (from[1] as string).replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => globalArgs.get(name) ?? whole)
      stages.push({ name: from[2]?.toLowerCase(), base, instructions: [], line: number })
    } else if (stages.length === 0) {
      if (keyword !== 'ARG') throw new Error(`line ${number}: ${keyword} before the first FROM`)
      const [name, value] = args.split('=', 2)
      globalArgs.set(name as string, value ?? '')
    } else {
      ;(stages.at(-1) as Stage).instructions.push(instruction)
    }
  }
  return { globalArgs, stages }
}

/** The stage and the stages it is built FROM, root first. */
export function stageChain(dockerfile: Dockerfile, target: string): Stage[] {
  const chain: Stage[] = []
  let stage = dockerfile.stages.find((candidate) => candidate.name === target)
  if (!stage) throw new Error(`no stage named ${target}`)
  while (stage) {
    chain.unshift(stage)
    const base: string = stage.base
    const parent: Stage | undefined = dockerfile.stages.slice(0, dockerfile.stages.indexOf(stage)).find((candidate) => candidate.name === base)
    stage = parent
  }
  return chain
}

export interface CopyStep {
  /** The stage it copies from, or undefined for the build context. */
  from: string | undefined
  sources: string[]
  /** Absolute, WORKDIR applied. */
  destination: string
  /** The destination is a directory the sources go into (it ends with /, or there are several sources). */
  into: boolean
  line: number
}

/** What an image built from `target` ends up with: the last USER, CMD, HEALTHCHECK…, every ENV, EXPOSE and COPY. */
export interface ImageConfig {
  baseImage: string
  user: string | undefined
  workdir: string
  cmd: Instruction | undefined
  healthcheck: Instruction | undefined
  env: Map<string, string>
  exposed: string[]
  copies: CopyStep[]
  runs: string[]
}

export function imageConfig(dockerfile: Dockerfile, target: string): ImageConfig {
  const chain = stageChain(dockerfile, target)
  const config: ImageConfig = {
    baseImage: (chain[0] as Stage).base,
    user: undefined,
    workdir: '/',
    cmd: undefined,
    healthcheck: undefined,
    env: new Map(),
    exposed: [],
    copies: [],
    runs: [],
  }
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      switch (instruction.keyword) {
        case 'USER':
          config.user = instruction.args
          break
        case 'WORKDIR':
          config.workdir = path.posix.resolve(config.workdir, instruction.args)
          break
        case 'CMD':
          config.cmd = instruction
          break
        case 'HEALTHCHECK':
          config.healthcheck = instruction
          break
        case 'EXPOSE':
          config.exposed.push(...instruction.args.split(/\s+/))
          break
        case 'RUN':
          config.runs.push(instruction.args)
          break
        case 'ENV':
          for (const [, name, value] of instruction.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S+)/g)) {
            config.env.set(name as string, (value as string).replace(/^"|"$/g, ''))
          }
          break
        case 'COPY':
        case 'ADD': {
          const parts = instruction.exec ?? instruction.args.split(/\s+/)
          const raw = parts.at(-1) as string
          const destination = path.posix.resolve(config.workdir, raw)
          const sources = parts.slice(0, -1)
          config.copies.push({ from: instruction.flags.from, sources, destination, into: raw.endsWith('/') || sources.length > 1, line: instruction.line })
          break
        }
      }
    }
  }
  return config
}

/** HEALTHCHECK [--options] CMD …: the command in exec form, or 'NONE'. */
export function healthcheckCommand(instruction: Instruction): string[] | 'NONE' {
  if (/^NONE$/i.test(instruction.args)) return 'NONE'
  const match = /^CMD\s+(.*)$/i.exec(instruction.args)
  if (!match) throw new Error(`line ${instruction.line}: HEALTHCHECK without CMD`)
  return execForm(match[1] as string) ?? ['/bin/sh', '-c', match[1] as string]
}

/** True when a user name or uid is root (or unset, which is root). */
export function isRootUser(user: string | undefined): boolean {
  if (user === undefined) return true
  const name = user.split(':')[0]
  return name === '' || name === 'root' || name === '0'
}

/** The .dockerignore patterns: comments dropped; `!` exceptions kept in order. */
export function parseDockerignore(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
}

/** Whether a context path (relative, with /) is left out of the build context: it or a parent matches, last rule wins. */
export function isDockerignored(patterns: string[], file: string): boolean {
  const prefixes = file.split('/').map((_, index, parts) => parts.slice(0, index + 1).join('/'))
  let ignored = false
  for (const pattern of patterns) {
    const exception = pattern.startsWith('!')
    const glob = path.posix.normalize(exception ? pattern.slice(1) : pattern).replace(/^\//, '')
    if (prefixes.some((prefix) => path.posix.matchesGlob(prefix, glob))) ignored = !exception
  }
  return ignored
}

/** The script a target's CMD runs (["node", "<script>"]), relative to /app, the repository root in the image. */
export function cmdScript(dockerfile: Dockerfile, target: string): string | undefined {
  if (!dockerfile.stages.some((stage) => stage.name === target)) return undefined
  const image = imageConfig(dockerfile, target)
  const cmd = image.cmd?.exec
  if (!isNodeCmd(cmd)) return undefined
  return path.posix.relative('/app', path.posix.resolve(image.workdir, cmd.at(-1) as string))
}

/** A CMD that runs a script with Node: ["node", "--flag", …, "<script>"] (the flags: the heap sizes). */
export function isNodeCmd(cmd: string[] | undefined): cmd is string[] {
  return cmd?.[0] === 'node' && cmd.length >= 2 && cmd.slice(1, -1).every((arg) => arg.startsWith('--')) && !(cmd.at(-1) as string).startsWith('-')
}

/** The Node flags of an image's CMD, in order. */
export function cmdNodeFlags(dockerfile: Dockerfile, target: string): string[] {
  const cmd = imageConfig(dockerfile, target).cmd?.exec
  return isNodeCmd(cmd) ? cmd.slice(1, -1) : []
}
