// The Kubernetes manifests, offline: each resource against its schema (kubernetes-models, no download), no field the
// schema lacks, the references between them (selectors, keys, ports, probes, routes, settings) and who the network
// policies let connect to whom.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { parseAllDocuments, parse as parseYaml } from 'yaml'
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment'
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'
import { type IJob, Job } from 'kubernetes-models/batch/v1/Job'
import { type IIngress, Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress'
import { type INetworkPolicy, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'
import { type IPodDisruptionBudget, PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget'
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap'
import type { IContainer } from 'kubernetes-models/v1/Container'
import { Namespace } from 'kubernetes-models/v1/Namespace'
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec'
import { type ISecret, Secret } from 'kubernetes-models/v1/Secret'
import { type IService, Service } from 'kubernetes-models/v1/Service'
import { cmdScript, parseDockerfile } from './dockerfile.ts'
import { unknownFieldChecker } from './k8s-fields.ts'
import { admits, type Caller, type Pod } from './network-policy.ts'
import {
  AGREED_SETTINGS,
  configVariables,
  type Listening,
  listening,
  PROCESSES,
  listed,
  processName,
  processOf,
  readRepoFile,
  repoPath,
  type StackProcess,
  settingsOf,
} from './repository.ts'

const k8sDir = repoPath('infra/k8s')
const dockerfile = parseDockerfile(readRepoFile('infra/docker/Dockerfile'))
const NAMESPACE = 'portcullis'
const SERVICES = ['auth', 'user', 'admin', 'oidc', 'gateway'] as const
/** Manifests kustomization.yaml leaves out on purpose: placeholders, and a Job run by hand before each rollout. */
const NOT_KUSTOMIZED = ['secret.example.yaml', 'migrate-job.yaml']

// Every kind the manifests use: its model (the schema validator) and its declaration (the field names).
type Model = new (data: never) => { validate(): void }
const KINDS: Record<string, { model: Model; module: string; name: string }> = {
  'v1/Namespace': { model: Namespace, module: 'kubernetes-models/v1/Namespace', name: 'INamespace' },
  'v1/ConfigMap': { model: ConfigMap, module: 'kubernetes-models/v1/ConfigMap', name: 'IConfigMap' },
  'v1/Secret': { model: Secret, module: 'kubernetes-models/v1/Secret', name: 'ISecret' },
  'v1/Service': { model: Service, module: 'kubernetes-models/v1/Service', name: 'IService' },
  'apps/v1/Deployment': { model: Deployment, module: 'kubernetes-models/apps/v1/Deployment', name: 'IDeployment' },
  'batch/v1/Job': { model: Job, module: 'kubernetes-models/batch/v1/Job', name: 'IJob' },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    model: HorizontalPodAutoscaler,
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    name: 'IHorizontalPodAutoscaler',
  },
  'networking.k8s.io/v1/Ingress': { model: Ingress, module: 'kubernetes-models/networking.k8s.io/v1/Ingress', name: 'IIngress' },
  'networking.k8s.io/v1/NetworkPolicy': { model: NetworkPolicy, module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy', name: 'INetworkPolicy' },
  'policy/v1/PodDisruptionBudget': { model: PodDisruptionBudget, module: 'kubernetes-models/policy/v1/PodDisruptionBudget', name: 'IPodDisruptionBudget' },
}
const unknownFields = unknownFieldChecker(Object.fromEntries(Object.entries(KINDS).map(([kind, { module, name }]) => [kind, { module, name }])))

interface Manifest {
  /** file.yaml#n, for messages. */
  source: string
  file: string
  kind: string
  body: { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> } }
}

interface Manifests {
  all: Manifest[]
  kustomization: { resources?: string[]; images?: Array<{ name: string }> } | undefined
}

/** Every YAML document of a directory (kustomization.yaml apart), parse errors thrown. Read as YAML 1.1, as kubectl
 * reads it: an unquoted `yes` or `on` is a boolean there, which a ConfigMap or an annotation refuses. */
function loadManifests(dir: string): Manifests {
  const all: Manifest[] = []
  let kustomization: Manifests['kustomization']
  for (const file of readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()) {
    const text = readFileSync(path.join(dir, file), 'utf8')
    if (file === 'kustomization.yaml') {
      kustomization = parseYaml(text, { version: '1.1' }) as Manifests['kustomization']
      continue
    }
    parseAllDocuments(text, { version: '1.1' }).forEach((document, index) => {
      if (document.errors.length > 0) throw new Error(`${file}#${index}: ${document.errors.map((error) => error.message).join('; ')}`)
      const body = document.toJS() as Manifest['body'] | null
      if (body === null) return
      all.push({ source: `${file}#${index}`, file, kind: `${body.apiVersion}/${body.kind}`, body })
    })
  }
  return { all, kustomization }
}

function ofKind<T>(manifests: Manifests, kind: string): Array<{ source: string; file: string; body: T }> {
  return manifests.all.filter((manifest) => manifest.kind === kind).map(({ source, file, body }) => ({ source, file, body: body as T }))
}

const deployments = (m: Manifests) => ofKind<IDeployment>(m, 'apps/v1/Deployment')
const services = (m: Manifests) => ofKind<IService>(m, 'v1/Service')
const configMaps = (m: Manifests) => ofKind<IConfigMap>(m, 'v1/ConfigMap')
const secrets = (m: Manifests) => ofKind<ISecret>(m, 'v1/Secret')
const jobs = (m: Manifests) => ofKind<IJob>(m, 'batch/v1/Job')
const ingresses = (m: Manifests) => ofKind<IIngress>(m, 'networking.k8s.io/v1/Ingress')
const networkPolicies = (m: Manifests) => ofKind<INetworkPolicy>(m, 'networking.k8s.io/v1/NetworkPolicy')

/** Every pod the manifests run: the Deployments' and the Jobs'. */
function pods(m: Manifests): Array<{ source: string; name: string; spec: IPodSpec; labels: Record<string, string> }> {
  return [...deployments(m), ...jobs(m)].map(({ source, body }) => ({
    source,
    name: body.metadata?.name ?? '?',
    spec: body.spec?.template.spec ?? { containers: [] },
    labels: body.spec?.template.metadata?.labels ?? {},
  }))
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value)
}

/** registry/…/portcullis/<target>:<tag>: one image per Dockerfile target. */
function imageTarget(container: IContainer): string | undefined {
  return /\/([a-z-]+)(?::[\w.-]+)?(?:@sha256:[0-9a-f]+)?$/.exec(container.image ?? '')?.[1]
}

/** The process a container runs: the one whose package holds the script of its image's CMD (the migrate image runs
 * auth's migrate.ts: auth). Undefined for an image the Dockerfile does not build, which deploymentProblems reports. */
function processOfContainer(container: IContainer): StackProcess | undefined {
  const target = imageTarget(container)
  const script = target === undefined ? undefined : cmdScript(dockerfile, target)
  return script === undefined ? undefined : processOf(script)
}

function keysOf(resource: IConfigMap | ISecret): string[] {
  return [...Object.keys(resource.data ?? {}), ...Object.keys(('stringData' in resource ? resource.stringData : undefined) ?? {})]
}

/** The port a container listens on for a probe or Service target (a number, or the name of one of its ports). */
function resolvePort(container: IContainer, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort
}

/** 250m → 0.25, 1 → 1 (cpu); 128Mi → 134217728 (memory). */
function quantity(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(value))
  if (!match) return undefined
  const factor: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }
  return Number(match[1]) * (match[2] ? (factor[match[2]] as number) : 1)
}

// --- the checks: each returns what is wrong, empty when all is right ---------------------------------------------

function schemaProblems(m: Manifests): string[] {
  return m.all.flatMap(({ source, kind, body }) => {
    const known = KINDS[kind]
    if (!known) return [`${source}: ${kind} is not a kind these manifests are checked for`]
    try {
      new known.model(body as never).validate()
    } catch (error) {
      return [`${source}: ${(error as Error).message}`]
    }
    return unknownFields(kind, body).map((field) => `${source}: unknown field ${field}`)
  })
}

function namespaceProblems(m: Manifests): string[] {
  const problems = m.all
    .filter(({ kind }) => kind !== 'v1/Namespace')
    .filter(({ body }) => body.metadata?.namespace !== NAMESPACE)
    .map(({ source }) => `${source}: not in the ${NAMESPACE} namespace`)
  if (!m.all.some(({ kind, body }) => kind === 'v1/Namespace' && body.metadata?.name === NAMESPACE)) problems.push(`no Namespace ${NAMESPACE}`)
  return problems
}

function deploymentProblems(m: Manifests): string[] {
  const problems: string[] = []
  const targets = dockerfile.stages.map((stage) => stage.name)
  for (const service of SERVICES) {
    if (!deployments(m).some(({ body }) => body.metadata?.name === `portcullis-${service}`)) problems.push(`no Deployment portcullis-${service}`)
  }
  for (const { source, body } of deployments(m)) {
    if (!selects(body.spec?.selector.matchLabels, body.spec?.template.metadata?.labels ?? {}))
      problems.push(`${source}: its selector does not select its own pods`)
    if (body.spec?.replicas !== undefined) problems.push(`${source}: sets replicas, which its HorizontalPodAutoscaler owns`)
  }
  for (const { source, name, spec } of pods(m)) {
    for (const container of spec.containers) {
      const target = imageTarget(container)
      if (!target || !targets.includes(target)) problems.push(`${source}: ${name} runs ${container.image}, which is no target of infra/docker/Dockerfile`)
    }
  }
  return problems
}

function serviceProblems(m: Manifests): string[] {
  const problems: string[] = []
  for (const { source, body } of services(m)) {
    const selected = deployments(m).filter((deployment) => selects(body.spec?.selector, deployment.body.spec?.template.metadata?.labels ?? {}))
    if (selected.length !== 1) {
      problems.push(`${source}: selects ${selected.length} Deployments, not one`)
      continue
    }
    const containers = selected[0]?.body.spec?.template.spec?.containers ?? []
    for (const port of body.spec?.ports ?? []) {
      if (!containers.some((container) => resolvePort(container, port.targetPort ?? port.port) !== undefined)) {
        problems.push(`${source}: port ${port.name ?? port.port} targets ${port.targetPort}, which no container has`)
      }
    }
    // The gateway probes each upstream's /readyz through its Service, on the management port.
    for (const container of containers) {
      const { managementPort } = listensOn(m, container)
      if (!(body.spec?.ports ?? []).some((port) => resolvePort(container, port.targetPort ?? port.port) === managementPort))
        problems.push(`${source}: no port reaches the management port ${managementPort} of ${container.name}`)
    }
  }
  for (const { source, body } of deployments(m)) {
    if (!services(m).some((service) => selects(service.body.spec?.selector, body.spec?.template.metadata?.labels ?? {})))
      problems.push(`${source}: no Service selects it`)
  }
  return problems
}

function probeProblems(m: Manifests): string[] {
  const problems: string[] = []
  for (const { source, body } of deployments(m)) {
    for (const container of body.spec?.template.spec?.containers ?? []) {
      const at = `${source}: ${container.name}`
      const { port, managementPort } = listensOn(m, container)
      const declared = { http: resolvePort(container, 'http'), management: resolvePort(container, 'management') }
      if (declared.http !== port) problems.push(`${at} listens on PORT ${port} but its port "http" is ${declared.http}`)
      if (declared.management !== managementPort)
        problems.push(`${at} serves /healthz, /readyz and /metrics on MANAGEMENT_PORT ${managementPort} but its port "management" is ${declared.management}`)
      // The public port answers 404 on these paths: a probe there would fail every pod.
      const probes = { startupProbe: '/healthz', livenessProbe: '/healthz', readinessProbe: '/readyz' } as const
      for (const [probe, path] of Object.entries(probes)) {
        const check = container[probe as keyof typeof probes]
        if (check?.httpGet?.path !== path) problems.push(`${at}: ${probe} is not GET ${path}`)
        else if (resolvePort(container, check.httpGet.port) !== managementPort)
          problems.push(`${at}: ${probe} probes port ${check.httpGet.port}, not the management port ${managementPort}`)
      }
    }
  }
  return problems
}

/** The prometheus.io/* annotations on each pod template, which Prometheus' kubernetes-pods job follows. */
function scrapeProblems(m: Manifests): string[] {
  const problems: string[] = []
  for (const { source, body } of deployments(m)) {
    const annotations = body.spec?.template.metadata?.annotations ?? {}
    const managementPorts = (body.spec?.template.spec?.containers ?? []).map((container) => listensOn(m, container).managementPort)
    if (annotations['prometheus.io/scrape'] !== 'true') problems.push(`${source}: its pods are not marked prometheus.io/scrape: 'true'`)
    if (!managementPorts.includes(Number(annotations['prometheus.io/port'])))
      problems.push(`${source}: Prometheus would scrape port ${annotations['prometheus.io/port']}, not the management port ${managementPorts.join(', ')}`)
    if (annotations['prometheus.io/path'] !== '/metrics') problems.push(`${source}: Prometheus would scrape ${annotations['prometheus.io/path']}, not /metrics`)
  }
  return problems
}

function resourceProblems(m: Manifests): string[] {
  const problems: string[] = []
  for (const { source, name, spec } of pods(m)) {
    for (const container of spec.containers) {
      const { requests = {}, limits = {} } = container.resources ?? {}
      for (const resource of ['cpu', 'memory']) {
        const requested = quantity(requests[resource])
        const limit = quantity(limits[resource])
        if (requested === undefined) problems.push(`${source}: ${name} requests no ${resource}`)
        if (limit === undefined) problems.push(`${source}: ${name} has no ${resource} limit`)
        if (requested !== undefined && limit !== undefined && requested > limit) problems.push(`${source}: ${name} requests more ${resource} than its limit`)
      }
    }
  }
  return problems
}

/** The Pod Security Standards' "restricted" profile, which namespace.yaml enforces. */
function securityProblems(m: Manifests): string[] {
  const problems: string[] = []
  for (const { source, name, spec } of pods(m)) {
    const pod = spec.securityContext ?? {}
    if (pod.runAsNonRoot !== true) problems.push(`${source}: ${name} does not set runAsNonRoot`)
    if (!pod.runAsUser) problems.push(`${source}: ${name} has no numeric non-root runAsUser (the images' USER is a name)`)
    if (spec.automountServiceAccountToken !== false) problems.push(`${source}: ${name} mounts a service account token it has no use for`)
    for (const container of spec.containers) {
      const context = container.securityContext ?? {}
      const seccomp = context.seccompProfile?.type ?? pod.seccompProfile?.type
      if (context.allowPrivilegeEscalation !== false) problems.push(`${source}: ${container.name} allows privilege escalation`)
      if (context.readOnlyRootFilesystem !== true) problems.push(`${source}: ${container.name} has a writable root file system`)
      if (!context.capabilities?.drop?.includes('ALL')) problems.push(`${source}: ${container.name} keeps its capabilities`)
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push(`${source}: ${container.name} has no seccomp profile`)
    }
  }
  return problems
}

function referenceProblems(m: Manifests): string[] {
  const problems: string[] = []
  const keys = (kind: 'ConfigMap' | 'Secret', name: string | undefined) => {
    const found =
      kind === 'ConfigMap' ? configMaps(m).find(({ body }) => body.metadata?.name === name) : secrets(m).find(({ body }) => body.metadata?.name === name)
    return found ? keysOf(found.body) : undefined
  }
  for (const { source, spec } of pods(m)) {
    for (const container of spec.containers) {
      for (const variable of container.env ?? []) {
        const refs = [
          ['ConfigMap', variable.valueFrom?.configMapKeyRef],
          ['Secret', variable.valueFrom?.secretKeyRef],
        ] as const
        for (const [kind, ref] of refs) {
          if (!ref) continue
          const available = keys(kind, ref.name)
          if (!available) problems.push(`${source}: ${variable.name} reads the ${kind} ${ref.name}, which does not exist`)
          else if (!available.includes(ref.key)) problems.push(`${source}: ${variable.name} reads ${ref.key} of the ${kind} ${ref.name}, which has no such key`)
        }
      }
      for (const from of container.envFrom ?? []) {
        if (from.configMapRef && !keys('ConfigMap', from.configMapRef.name))
          problems.push(`${source}: loads the ConfigMap ${from.configMapRef.name}, which does not exist`)
        if (from.secretRef && !keys('Secret', from.secretRef.name)) problems.push(`${source}: loads the Secret ${from.secretRef.name}, which does not exist`)
      }
    }
  }
  return problems
}

/** Where each variable a container gets comes from, in the order Kubernetes applies them (envFrom, then env, each
 * overriding what came before): "the ConfigMap portcullis-auth", "key database-url of the Secret portcullis-secrets",
 * "the env of portcullis-user". More than one: the variable has more than one owner. */
function environmentSources(m: Manifests, pod: string, container: IContainer): Map<string, string[]> {
  const sources = new Map<string, string[]>()
  const add = (name: string, source: string) => sources.set(name, [...(sources.get(name) ?? []), source])
  for (const from of container.envFrom ?? []) {
    const map = from.configMapRef ? configMaps(m).find(({ body }) => body.metadata?.name === from.configMapRef?.name)?.body : undefined
    const secret = from.secretRef ? secrets(m).find(({ body }) => body.metadata?.name === from.secretRef?.name)?.body : undefined
    for (const name of map ? keysOf(map) : []) add(name, `the ConfigMap ${map?.metadata?.name}`)
    for (const name of secret ? keysOf(secret) : []) add(name, `the Secret ${secret?.metadata?.name}`)
  }
  for (const variable of container.env ?? []) {
    const { configMapKeyRef, secretKeyRef } = variable.valueFrom ?? {}
    if (configMapKeyRef) add(variable.name, `key ${configMapKeyRef.key} of the ConfigMap ${configMapKeyRef.name}`)
    else if (secretKeyRef) add(variable.name, `key ${secretKeyRef.key} of the Secret ${secretKeyRef.name}`)
    else add(variable.name, `the env of ${pod}`)
  }
  return sources
}

/** The variables each container gets, by name: its env, and the keys of what envFrom loads. */
function environment(m: Manifests, container: IContainer): Map<string, string | undefined> {
  const env = new Map<string, string | undefined>()
  for (const from of container.envFrom ?? []) {
    const loaded = from.configMapRef ? configMaps(m).find(({ body }) => body.metadata?.name === from.configMapRef?.name)?.body.data : undefined
    const secret = from.secretRef ? secrets(m).find(({ body }) => body.metadata?.name === from.secretRef?.name)?.body : undefined
    for (const [name, value] of Object.entries(loaded ?? {})) env.set(name, value)
    for (const name of secret ? keysOf(secret) : []) env.set(name, undefined)
  }
  for (const variable of container.env ?? []) env.set(variable.name, variable.value)
  return env
}

/** Where a container's process listens and which upstreams it probes where, as config.ts makes of its environment. */
function listensOn(m: Manifests, container: IContainer): Listening {
  return listening(environment(m, container))
}

/** Each container gets only what its own process reads (its config.ts): the gateway no argon2 parameters, no database,
 * auth no AUTH_URL. */
function environmentProblems(m: Manifests): string[] {
  const problems: string[] = []
  for (const { source, spec } of pods(m)) {
    for (const container of spec.containers) {
      const process = processOfContainer(container)
      if (process === undefined) continue
      const reads = settingsOf(process)
      for (const name of environment(m, container).keys()) {
        if (!reads.has(name)) problems.push(`${source}: ${container.name} gets ${name}, which ${processName(process)} does not read`)
      }
    }
  }
  return problems
}

/** Every variable has one owner: no two ConfigMaps hold it, no container gets it from two places (an env entry over a
 * ConfigMap it loads), and the settings the processes must agree on reach every process that reads them from the same
 * place, or reach none of them. */
function ownerProblems(m: Manifests): string[] {
  const problems: string[] = []
  const holders = new Map<string, string[]>()
  for (const { body } of configMaps(m)) for (const key of keysOf(body)) holders.set(key, [...(holders.get(key) ?? []), body.metadata?.name ?? '?'])
  for (const [key, maps] of holders) if (maps.length > 1) problems.push(`${key} is in more than one ConfigMap: ${maps.join(', ')}`)
  const readers: Array<{ pod: string; process: StackProcess; sources: Map<string, string[]> }> = []
  for (const { source, name, spec } of pods(m)) {
    for (const container of spec.containers) {
      const sources = environmentSources(m, name, container)
      for (const [variable, from] of sources)
        if (from.length > 1) problems.push(`${source}: ${container.name} gets ${variable} from more than one place: ${from.join(', ')}`)
      const process = processOfContainer(container)
      if (process !== undefined) readers.push({ pod: name, process, sources })
    }
  }
  for (const setting of AGREED_SETTINGS) {
    const reading = readers.filter(({ process }) => settingsOf(process).has(setting))
    const from = reading.map(({ pod, sources }) => `${pod}: ${sources.get(setting)?.at(-1) ?? 'nothing (its default)'}`)
    const places = new Set(reading.map(({ sources }) => sources.get(setting)?.at(-1)))
    if (places.size > 1) {
      const processes = PROCESSES.filter((process) => reading.some((reader) => reader.process === process)).map(processName)
      problems.push(`${setting}, which ${listed(processes)} must agree on, does not come from one place: ${from.join('; ')}`)
    }
  }
  return problems
}

/** The gateway's upstreams and everyone's AUTH_URL: one URL each, naming a Service, a port of it that reaches the right
 * port of the right pods: the public one for requests, the management one for the gateway's /readyz probes. */
function upstreamProblems(m: Manifests): string[] {
  const problems: string[] = []
  const pointsAt = (at: string, url: string | undefined, service: string, side: 'public' | 'management') => {
    const parsed = URL.canParse(url ?? '') ? new URL(url as string) : undefined
    const target = services(m).find(({ body }) => body.metadata?.name === parsed?.hostname.split('.')[0])
    if (!parsed || !target) return problems.push(`${at} is ${url}, not a Service`)
    if (target.body.metadata?.name !== `portcullis-${service}`) return problems.push(`${at} is ${url}, the Service of another part`)
    if (parsed.pathname !== '/' || parsed.search !== '') problems.push(`${at} is ${url}, with a path`)
    const servicePort = target.body.spec?.ports?.find((port) => String(port.port) === (parsed.port || '80'))
    if (!servicePort) return problems.push(`${at} is ${url}, a port the Service does not have`)
    const pods = deployments(m).find(({ body }) => selects(target.body.spec?.selector, body.spec?.template.metadata?.labels ?? {}))
    for (const container of pods?.body.spec?.template.spec?.containers ?? []) {
      const ports = listensOn(m, container)
      const wanted = side === 'public' ? ports.port : ports.managementPort
      const reached = resolvePort(container, servicePort.targetPort ?? servicePort.port)
      if (reached !== wanted) problems.push(`${at} is ${url}, which reaches port ${reached} of ${container.name}, not its ${side} port ${wanted}`)
    }
    return 0
  }
  for (const { source, body } of deployments(m)) {
    for (const container of body.spec?.template.spec?.containers ?? []) {
      const env = environment(m, container)
      // Every process that calls auth (oidc does not: it reads the key ring from the database).
      const process = processOfContainer(container)
      if (process !== undefined && process !== 'auth' && settingsOf(process).has('AUTH_URL'))
        pointsAt(`${source}: AUTH_URL`, env.get('AUTH_URL'), 'auth', 'public')
      if (body.metadata?.name !== 'portcullis-gateway') continue
      const upstreams = listensOn(m, container)
      for (const service of ['auth', 'user', 'admin', 'oidc'] as const) {
        const variable = `${service.toUpperCase()}_UPSTREAMS`
        const instances = upstreams[`${service}Upstreams`]
        if (instances.length !== 1) problems.push(`${source}: ${variable} lists ${instances.length} URLs, not the one Service`)
        for (const { url, managementUrl } of instances) {
          pointsAt(`${source}: ${variable}`, url, service, 'public')
          pointsAt(`${source}: ${variable} (its /readyz)`, managementUrl, service, 'management')
        }
      }
    }
  }
  return problems
}

function autoscalerProblems(m: Manifests): string[] {
  const problems: string[] = []
  const autoscalers = ofKind<IHorizontalPodAutoscaler>(m, 'autoscaling/v2/HorizontalPodAutoscaler')
  for (const { source, body } of deployments(m)) {
    const hpa = autoscalers.find(
      ({ body: candidate }) => candidate.spec?.scaleTargetRef.kind === 'Deployment' && candidate.spec.scaleTargetRef.name === body.metadata?.name,
    )
    if (!hpa) {
      problems.push(`${source}: no HorizontalPodAutoscaler scales it`)
      continue
    }
    const cpu = hpa.body.spec?.metrics?.find((metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu')
    if (cpu?.resource?.target.type !== 'Utilization' || !cpu.resource.target.averageUtilization) problems.push(`${hpa.source}: no CPU utilisation target`)
    if ((hpa.body.spec?.minReplicas ?? 1) < 2) problems.push(`${hpa.source}: fewer than 2 replicas, so one restart is an outage`)
    const containers = body.spec?.template.spec?.containers ?? []
    if (containers.some((container) => quantity(container.resources?.requests?.cpu) === undefined))
      problems.push(`${source}: CPU utilisation needs CPU requests`)
  }
  for (const { source, body } of autoscalers) {
    if (!deployments(m).some(({ body: deployment }) => deployment.metadata?.name === body.spec?.scaleTargetRef.name))
      problems.push(`${source}: scales a Deployment that does not exist`)
  }
  for (const { source, body } of ofKind<IPodDisruptionBudget>(m, 'policy/v1/PodDisruptionBudget')) {
    if (!deployments(m).some(({ body: deployment }) => selects(body.spec?.selector?.matchLabels, deployment.spec?.template.metadata?.labels ?? {}))) {
      problems.push(`${source}: selects no Deployment's pods`)
    }
  }
  return problems
}

function ingressProblems(m: Manifests): string[] {
  const problems: string[] = []
  const gateway = services(m).find(({ body }) => body.metadata?.name === 'portcullis-gateway')
  const gatewayContainer = deployments(m).find(({ body }) => body.metadata?.name === 'portcullis-gateway')?.body.spec?.template.spec?.containers[0]
  const routes = new Map<string, string>()
  for (const { source, body } of ingresses(m)) {
    for (const tls of body.spec?.tls ?? []) {
      const secret = secrets(m).find(({ body: candidate }) => candidate.metadata?.name === tls.secretName)
      if (secret?.body.type !== 'kubernetes.io/tls') problems.push(`${source}: TLS from ${tls.secretName}, which is no kubernetes.io/tls Secret`)
    }
    for (const rule of body.spec?.rules ?? []) {
      const covered = ingresses(m).some(({ body: other }) => other.spec?.tls?.some((tls) => tls.hosts?.includes(rule.host ?? '')))
      if (!covered) problems.push(`${source}: ${rule.host} has no TLS`)
      for (const route of rule.http?.paths ?? []) {
        const backend = route.backend.service
        // Only the gateway faces the outside: it verifies tokens and roles before any service is reached.
        if (backend?.name !== 'portcullis-gateway') problems.push(`${source}: ${route.path} goes to ${backend?.name}, not the gateway`)
        const port = gateway?.body.spec?.ports?.find((candidate) =>
          backend?.port?.name ? candidate.name === backend.port.name : candidate.port === backend?.port?.number,
        )
        if (!port) problems.push(`${source}: ${route.path} goes to a port the gateway Service does not have`)
        else if (gatewayContainer) {
          // Only the public port: the management one (/healthz, /readyz, /metrics) is for the cluster, never the internet.
          const reached = resolvePort(gatewayContainer, port.targetPort ?? port.port)
          const { port: publicPort } = listensOn(m, gatewayContainer)
          if (reached !== publicPort) problems.push(`${source}: ${route.path} goes to port ${reached} of the gateway, not its public port ${publicPort}`)
        }
        routes.set(`${route.pathType} ${route.path}`, backend?.name ?? '')
      }
    }
  }
  for (const prefix of ['/auth', '/user', '/admin', '/']) {
    if (routes.get(`Prefix ${prefix}`) !== 'portcullis-gateway') problems.push(`no Ingress sends ${prefix} to the gateway`)
  }
  // The OpenID Connect provider's paths, through the gateway: by the longest Prefix that matches them (or an Exact path).
  for (const path of ['/.well-known/openid-configuration', '/oidc/token', '/oidc/auth']) {
    const exact = routes.get(`Exact ${path}`)
    const prefixes = [...routes.keys()]
      .filter((key) => key.startsWith('Prefix '))
      .map((key) => key.slice('Prefix '.length))
      .filter((prefix) => prefix === '/' || path === prefix || path.startsWith(`${prefix.replace(/\/$/, '')}/`))
      .sort((a, b) => b.length - a.length)
    const backend = exact ?? (prefixes[0] === undefined ? undefined : routes.get(`Prefix ${prefixes[0]}`))
    if (backend !== 'portcullis-gateway') problems.push(`no Ingress sends ${path} to the gateway`)
  }
  // The OpenID Connect issuer (PUBLIC_URL) is where relying parties reach it: a host the Ingress serves over TLS.
  const publicUrl = configMaps(m)
    .map(({ body }) => body.data?.PUBLIC_URL)
    .find((value) => value !== undefined)
  const host = URL.canParse(publicUrl ?? '') ? new URL(publicUrl as string) : undefined
  const served = ingresses(m).some(({ body }) => body.spec?.tls?.some((tls) => tls.hosts?.includes(host?.hostname ?? '')))
  if (host?.protocol !== 'https:' || !served) problems.push(`PUBLIC_URL ${publicUrl} is not an https:// host the Ingress serves over TLS`)
  for (const { source, body } of ingresses(m)) {
    if (body.spec?.defaultBackend) problems.push(`${source}: a defaultBackend, which these checks do not follow`)
  }
  return problems
}

/** Where the Ingress controller and Prometheus run, as network-policies.yaml (and README.md) assume. */
const INGRESS_CONTROLLER = {
  namespace: 'ingress-nginx',
  labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
}
const MONITORING_NAMESPACE = 'monitoring'

/** Who may connect to each part, by the name of its container port; any other port, and any other pod: nobody. */
const MAY_CONNECT: Record<string, Record<string, string[]>> = {
  'portcullis-gateway': { http: ['the Ingress controller'], management: ['Prometheus'] },
  'portcullis-auth': { http: ['portcullis-gateway', 'portcullis-user', 'portcullis-admin'], management: ['portcullis-gateway', 'Prometheus'] },
  'portcullis-user': { http: ['portcullis-gateway'], management: ['portcullis-gateway', 'Prometheus'] },
  'portcullis-admin': { http: ['portcullis-gateway'], management: ['portcullis-gateway', 'Prometheus'] },
  'portcullis-oidc': { http: ['portcullis-gateway'], management: ['portcullis-gateway', 'Prometheus'] },
}

function podIn(namespace: string, labels: Record<string, string>, ports: Pod['ports'] = []): Pod {
  return { namespace, namespaceLabels: { 'kubernetes.io/metadata.name': namespace }, labels, ports }
}

/** Every pod the manifests run, as a network policy sees it: its namespace, labels and container ports. */
function runningPods(m: Manifests): Array<{ name: string; pod: Pod }> {
  return pods(m).map(({ name, spec, labels }) => ({
    name,
    pod: podIn(
      NAMESPACE,
      labels,
      spec.containers.flatMap((container) => container.ports ?? []),
    ),
  }))
}

/** Whoever might try to connect: the pods of these manifests, their two neighbours, and the ones that must be refused. */
function callers(m: Manifests): Caller[] {
  const gatewayLabels = pods(m).find(({ name }) => name === 'portcullis-gateway')?.labels ?? {}
  return [
    ...runningPods(m),
    { name: 'another pod of the namespace', pod: podIn(NAMESPACE, { 'app.kubernetes.io/name': 'debug' }) },
    { name: 'the Ingress controller', pod: podIn(INGRESS_CONTROLLER.namespace, INGRESS_CONTROLLER.labels) },
    {
      name: "another pod of the Ingress controller's namespace",
      pod: podIn(INGRESS_CONTROLLER.namespace, { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'admission-webhook' }),
    },
    { name: 'Prometheus', pod: podIn(MONITORING_NAMESPACE, { 'app.kubernetes.io/name': 'prometheus' }) },
    { name: 'a pod of another namespace labelled as the gateway', pod: podIn('default', gatewayLabels) },
    { name: 'something outside the cluster', pod: undefined },
  ]
}

function networkPolicyProblems(m: Manifests): string[] {
  const problems: string[] = []
  const policies = networkPolicies(m).map(({ body }) => body)
  const everyone = callers(m)
  const destinations = [
    ...runningPods(m),
    { name: 'another pod of the namespace', pod: podIn(NAMESPACE, { 'app.kubernetes.io/name': 'debug' }, [{ containerPort: 8080 }]) },
  ]
  for (const { name, pod } of destinations) {
    // Each declared port, and one nobody declares.
    const ports = [...pod.ports, { name: undefined, containerPort: 22 }]
    for (const { name: portName, containerPort } of ports) {
      const at = `${name} port ${portName ?? 'undeclared'} (${containerPort})`
      const expected = (portName ? MAY_CONNECT[name]?.[portName] : undefined) ?? []
      const admitted = everyone.filter((caller) => admits(policies, caller, pod, containerPort)).map((caller) => caller.name)
      for (const caller of admitted.filter((caller) => !expected.includes(caller))) problems.push(`${at} admits ${caller}`)
      for (const caller of expected.filter((caller) => !admitted.includes(caller))) problems.push(`${at} refuses ${caller}`)
    }
  }
  return problems
}

/** Variables from portcullis-secrets that only some pods get: each of `holders` from its key there, no other pod at all. */
function onlyTheseGet(m: Manifests, holders: string[], keys: Record<string, string>, owner: string): string[] {
  const problems: string[] = []
  for (const { source, name, spec } of pods(m)) {
    for (const container of spec.containers) {
      for (const [variable, key] of Object.entries(keys)) {
        if (holders.includes(name)) {
          const ref = container.env?.find((candidate) => candidate.name === variable)?.valueFrom?.secretKeyRef
          if (ref?.name !== 'portcullis-secrets' || ref.key !== key)
            problems.push(`${source}: ${container.name} does not get ${variable} from ${key} of portcullis-secrets`)
        } else if (environment(m, container).has(variable)) {
          problems.push(`${source}: ${container.name} gets ${variable}, which only ${owner} needs`)
        }
      }
    }
  }
  return problems
}

/** KEY_ENCRYPTION_KEY(_PREVIOUS): for auth, the migration Job (auth's code) and the OpenID Connect provider, which signs
 * with the same key ring. */
function keyEncryptionProblems(m: Manifests): string[] {
  const keys = { KEY_ENCRYPTION_KEY: 'key-encryption-key', KEY_ENCRYPTION_KEY_PREVIOUS: 'key-encryption-key-previous' }
  return onlyTheseGet(m, ['portcullis-auth', 'portcullis-migrate', 'portcullis-oidc'], keys, 'auth and oidc')
}

/** SERVICE_CLIENT_ID and SERVICE_CLIENT_SECRET: the gateway's client of auth's internal API, for the revocation feed. user
 * and admin write sessions and revocations in their own transactions and have no client. */
function serviceClientProblems(m: Manifests): string[] {
  const keys = { SERVICE_CLIENT_ID: 'gateway-client-id', SERVICE_CLIENT_SECRET: 'gateway-client-secret' }
  return onlyTheseGet(m, ['portcullis-gateway'], keys, 'the gateway')
}

/** Every key of an Opaque Secret is read by some pod: a key nobody reads is a credential nobody should hold. */
function unreadSecretKeyProblems(m: Manifests): string[] {
  const problems: string[] = []
  const containers = pods(m).flatMap(({ spec }) => spec.containers)
  for (const { source, body } of secrets(m)) {
    if (body.type !== 'Opaque') continue
    const name = body.metadata?.name
    if (containers.some((container) => container.envFrom?.some((from) => from.secretRef?.name === name))) continue
    for (const key of keysOf(body)) {
      const read = containers.some((container) =>
        container.env?.some(({ valueFrom }) => valueFrom?.secretKeyRef?.name === name && valueFrom?.secretKeyRef?.key === key),
      )
      if (!read) problems.push(`${source}: ${key} is read by no pod`)
    }
  }
  return problems
}

function migrationProblems(m: Manifests): string[] {
  const [job, ...others] = jobs(m)
  if (!job || others.length > 0) return ['not exactly one Job (the migrations)']
  const problems: string[] = []
  const spec = job.body.spec?.template.spec
  const container = spec?.containers[0]
  if (!/\/migrate(:|@|$)/.test(container?.image ?? '')) problems.push(`${job.source}: does not run the migrate image`)
  if (container?.command || container?.args) problems.push(`${job.source}: overrides the migrate image's command`)
  if (!['Never', 'OnFailure'].includes(spec?.restartPolicy ?? '')) problems.push(`${job.source}: restartPolicy must be Never or OnFailure`)
  if (!container?.env?.some((variable) => variable.name === 'DATABASE_URL' && variable.valueFrom?.secretKeyRef))
    problems.push(`${job.source}: DATABASE_URL is not from a Secret`)
  return problems
}

function placeholderProblems(m: Manifests): string[] {
  const problems: string[] = []
  for (const { source, file, body } of secrets(m)) {
    if (file !== 'secret.example.yaml') problems.push(`${source}: a Secret outside secret.example.yaml`)
    for (const [key, value] of Object.entries({ ...body.data, ...body.stringData })) {
      if (value !== '' && !value.includes('CHANGE-ME')) problems.push(`${source}: ${key} looks like a real value, not a CHANGE-ME placeholder`)
    }
  }
  return problems
}

function kustomizationProblems(m: Manifests): string[] {
  const listed = m.kustomization?.resources ?? []
  const files = [...new Set(m.all.map(({ file }) => file))]
  return [
    ...listed.filter((file) => !files.includes(file)).map((file) => `kustomization.yaml lists ${file}, which does not exist`),
    ...files.filter((file) => !listed.includes(file) && !NOT_KUSTOMIZED.includes(file)).map((file) => `kustomization.yaml leaves out ${file}`),
    ...NOT_KUSTOMIZED.filter((file) => listed.includes(file)).map((file) => `kustomization.yaml applies ${file}`),
    ...deployments(m)
      .flatMap(({ body }) => body.spec?.template.spec?.containers ?? [])
      .filter((container) => !m.kustomization?.images?.some((image) => container.image?.startsWith(`${image.name}:`)))
      .map((container) => `kustomization.yaml does not set the image of ${container.name}`),
  ]
}

const CHECKS: Record<string, (m: Manifests) => string[]> = {
  'each resource matches its Kubernetes schema, with no unknown field': schemaProblems,
  'everything is in the portcullis namespace': namespaceProblems,
  'a Deployment per service, running images the Dockerfile builds': deploymentProblems,
  "every Service selects one Deployment's pods, on a port they have": serviceProblems,
  'probes: startup and liveness on /healthz, readiness on /readyz, all on the management port': probeProblems,
  'Prometheus scrapes /metrics on the management port of every pod': scrapeProblems,
  'every container requests and is limited in CPU and memory': resourceProblems,
  'every pod meets the restricted Pod Security Standard': securityProblems,
  'every configMapKeyRef, secretKeyRef and envFrom names something that exists': referenceProblems,
  "every variable a container gets is one its own process reads (the migration Job's: auth's)": environmentProblems,
  'every variable has one owner: one ConfigMap, one place per container, one source for the settings the processes share': ownerProblems,
  "AUTH_URL and the gateway's *_UPSTREAMS point at the Services, its /readyz probes at their management ports": upstreamProblems,
  'an autoscaler (autoscaling/v2, CPU) and a disruption budget per Deployment': autoscalerProblems,
  "the Ingress sends /auth, /user, /admin, the OpenID Connect paths and / to the gateway's public port, over TLS, never to a management port; PUBLIC_URL is its host":
    ingressProblems,
  'the network policies let only the Ingress controller reach the gateway, only the gateway reach user, admin and oidc, only gateway, user and admin reach auth':
    networkPolicyProblems,
  'the key-encryption keys reach auth, oidc and the migration Job only, from the Secret': keyEncryptionProblems,
  'SERVICE_CLIENT_ID and SERVICE_CLIENT_SECRET reach the gateway only, from the Secret: user and admin have no client': serviceClientProblems,
  'every key of portcullis-secrets is read by some pod': unreadSecretKeyProblems,
  'the migration Job runs the migrate image with the database from a Secret': migrationProblems,
  'the secret example holds only placeholders': placeholderProblems,
  'kustomization.yaml applies every manifest but the secrets and the Job': kustomizationProblems,
}

function allProblems(m: Manifests): string[] {
  return Object.values(CHECKS).flatMap((check) => check(m))
}

const manifests = loadManifests(k8sDir)

t.test('the manifests', async (t) => {
  const kinds = manifests.all.map(({ kind }) => kind)
  for (const kind of ['v1/Namespace', 'v1/ConfigMap', 'v1/Secret', 'batch/v1/Job', 'networking.k8s.io/v1/Ingress', 'networking.k8s.io/v1/NetworkPolicy'])
    t.ok(kinds.includes(kind), `there is a ${kind}`)
  for (const kind of ['apps/v1/Deployment', 'v1/Service', 'autoscaling/v2/HorizontalPodAutoscaler']) {
    t.equal(kinds.filter((candidate) => candidate === kind).length, SERVICES.length, `one ${kind} per service`)
  }
  for (const [name, check] of Object.entries(CHECKS)) t.same(check(manifests), [], name)
})

t.test('config.ts is read right', async (t) => {
  const known = configVariables()
  t.ok(known.size >= 30, `${known.size} variables`)
  for (const name of [
    'PORT',
    'HOST',
    'MANAGEMENT_PORT',
    'MANAGEMENT_HOST',
    'DATABASE_URL',
    'AUTH_URL',
    'SERVICE_CLIENT_SECRET',
    'AUTH_UPSTREAMS',
    'TRUST_PROXY',
    'PROXY_SOURCE_ADDRESS',
    'KEY_ENCRYPTION_KEY',
    'KEY_ENCRYPTION_KEY_PREVIOUS',
    'WEB_DIR',
  ])
    t.ok(known.has(name), name)
})

t.test('each process declares the settings it reads', async (t) => {
  t.same([...PROCESSES].sort(), ['admin', 'auth', 'gateway', 'oidc', 'user'])
  const reads = (process: StackProcess, names: string[]) => {
    for (const name of names) t.ok(settingsOf(process).has(name), `${processName(process)} reads ${name}`)
  }
  const ignores = (process: StackProcess, names: string[]) => {
    for (const name of names) t.notOk(settingsOf(process).has(name), `${processName(process)} does not read ${name}`)
  }
  reads('auth', ['DATABASE_URL', 'REFRESH_IDLE_TTL', 'ARGON2_TIME_COST', 'SIGNING_ALG', 'KEY_ENCRYPTION_KEY', 'TOKEN_ISSUER', 'ACCESS_TOKEN_TTL'])
  ignores('auth', ['AUTH_URL', 'SERVICE_CLIENT_ID', 'AUTH_UPSTREAMS'])
  for (const service of ['user', 'admin'] as const) {
    reads(service, ['DATABASE_URL', 'DB_POOL_SIZE', 'REFRESH_IDLE_TTL', 'AUTH_URL', 'TOKEN_AUDIENCE'])
    ignores(service, ['ARGON2_TIME_COST', 'KEY_ENCRYPTION_KEY', 'SERVICE_CLIENT_SECRET', 'COOKIE_SECURE'])
  }
  reads('oidc', ['DATABASE_URL', 'DB_POOL_SIZE', 'PUBLIC_URL', 'SIGNING_ALG', 'KEY_ENCRYPTION_KEY', 'ACCESS_TOKEN_TTL', 'TRUST_PROXY'])
  ignores('oidc', ['AUTH_URL', 'ARGON2_TIME_COST', 'SERVICE_CLIENT_SECRET', 'EMAIL_VERIFICATION', 'COOKIE_SECURE'])
  reads('gateway', ['AUTH_URL', 'AUTH_UPSTREAMS', 'OIDC_UPSTREAMS', 'SERVICE_CLIENT_SECRET', 'TRUST_PROXY', 'ACCESS_TOKEN_TTL'])
  ignores('gateway', ['ARGON2_TIME_COST', 'DATABASE_URL', 'DB_POOL_SIZE', 'DATA_DIR', 'REFRESH_IDLE_TTL', 'SIGNING_ALG'])
  t.equal(processOf('services/auth/src/commands/migrate.ts'), 'auth', "the migrations are auth's")
  t.equal(processOf('gateway/src/server.ts'), 'gateway')
  t.equal(processOf('services/oidc/src/server.ts'), 'oidc')
  t.throws(() => processOf('scripts/start.ts'), /none of the processes/, 'a script of no process')
})

t.test('the checks catch broken manifests', async (t) => {
  /** The problems of the manifests after `change` is applied to a copy of the first document of `kind` (named `name`). */
  const problemsAfter = <T>(kind: string, change: (body: T) => void, name?: string): string => {
    const copy = structuredClone(manifests)
    const target = copy.all.find((manifest) => manifest.kind === kind && (name === undefined || manifest.body.metadata?.name === name))
    if (!target) throw new Error(`no ${kind} ${name ?? ''}`)
    change(target.body as T)
    return allProblems(copy).join('\n')
  }
  const policy = (name: string, change: (spec: NonNullable<INetworkPolicy['spec']>) => void) =>
    problemsAfter<INetworkPolicy>('networking.k8s.io/v1/NetworkPolicy', (body) => change(body.spec ?? {}), name)
  const gatewayPeer = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'portcullis', 'app.kubernetes.io/component': 'gateway' } } }
  const container = (body: IDeployment) => body.spec?.template.spec?.containers[0] as IContainer

  t.match(
    problemsAfter<IDeployment>('apps/v1/Deployment', (body) => Object.assign(body.spec ?? {}, { replicas: 'two' })),
    /admin\.yaml#0: data\/spec\/replicas must be integer/,
    'a wrong type is refused by the schema',
  )
  t.match(
    problemsAfter<IDeployment>('apps/v1/Deployment', (body) => {
      Object.assign(container(body), { readynessProbe: container(body).readinessProbe })
      delete container(body).readinessProbe
    }),
    /admin\.yaml#0: unknown field spec\.template\.spec\.containers\[0\]\.readynessProbe/,
    'a misspelt field is refused',
  )
  t.match(
    problemsAfter<IService>('v1/Service', (body) => Object.assign(body.spec?.selector ?? {}, { 'app.kubernetes.io/component': 'admins' })),
    /admin\.yaml#1: selects 0 Deployments, not one/,
    'a Service selecting nothing',
  )
  t.match(
    problemsAfter<IDeployment>('apps/v1/Deployment', (body) => {
      const ref = container(body).env?.find((variable) => variable.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef
      if (ref) ref.key = 'database-uri'
    }),
    /DATABASE_URL reads database-uri of the Secret portcullis-secrets, which has no such key/,
    'a secretKeyRef to a missing key',
  )
  t.match(
    problemsAfter<IDeployment>('apps/v1/Deployment', (body) => {
      const probe = container(body).readinessProbe?.httpGet
      if (probe) probe.path = '/healthz'
    }),
    /admin: readinessProbe is not GET \/readyz/,
    'readiness on the liveness endpoint',
  )
  t.match(
    problemsAfter<IDeployment>('apps/v1/Deployment', (body) => container(body).env?.push({ name: 'DATABASE_URI', value: 'mysql://x' })),
    /admin gets DATABASE_URI, which admin does not read/,
    'a variable no process reads',
  )
  t.match(
    problemsAfter<IDeployment>('apps/v1/Deployment', (body) => {
      const resources = container(body).resources
      if (resources) delete resources.requests
    }),
    /admin requests no cpu/,
    'a container without requests',
  )
  t.match(
    problemsAfter<IIngress>('networking.k8s.io/v1/Ingress', (body) => {
      const admin = body.spec?.rules?.[0]?.http?.paths.find((route) => route.path === '/admin')
      if (admin?.backend.service) admin.backend.service.name = 'portcullis-admin'
    }),
    /\/admin goes to portcullis-admin, not the gateway[\s\S]*no Ingress sends \/admin to the gateway/,
    'a route around the gateway',
  )
  t.match(
    problemsAfter<IIngress>('networking.k8s.io/v1/Ingress', (body) => {
      const paths = body.spec?.rules?.[0]?.http?.paths
      paths?.push({ path: '/oidc', pathType: 'Prefix', backend: { service: { name: 'portcullis-oidc', port: { name: 'http' } } } })
    }),
    /\/oidc goes to portcullis-oidc, not the gateway[\s\S]*no Ingress sends \/oidc\/token to the gateway/,
    'the OpenID Connect provider reached around the gateway',
  )
  t.match(
    problemsAfter<IConfigMap>('v1/ConfigMap', (body) => Object.assign(body.data ?? {}, { PUBLIC_URL: 'https://elsewhere.example.com' }), 'portcullis-database'),
    /PUBLIC_URL https:\/\/elsewhere\.example\.com is not an https:\/\/ host the Ingress serves over TLS/,
    'an OpenID Connect issuer the Ingress does not serve',
  )
  t.match(
    problemsAfter<IConfigMap>('v1/ConfigMap', (body) => Object.assign(body.data ?? {}, { AUTH_URL: 'http://portcullis-auth:9999' }), 'portcullis-auth-url'),
    /AUTH_URL is http:\/\/portcullis-auth:9999, a port the Service does not have/,
    'AUTH_URL on a port the Service lacks',
  )

  t.test("each pod gets only its own process's settings", async (t) => {
    const deployment = (name: string, change: (container: IContainer, body: IDeployment) => void) =>
      problemsAfter<IDeployment>('apps/v1/Deployment', (body) => change(container(body), body), `portcullis-${name}`)
    t.match(
      deployment('gateway', (gateway) => gateway.env?.push({ name: 'ARGON2_TIME_COST', value: '2' })),
      /gateway\.yaml#0: gateway gets ARGON2_TIME_COST, which the gateway does not read/,
      "an argon2 parameter in the gateway's env",
    )
    t.match(
      deployment('gateway', (gateway) => gateway.envFrom?.push({ configMapRef: { name: 'portcullis-auth' } })),
      /gateway gets REFRESH_REUSE_GRACE, which the gateway does not read[\s\S]*gateway gets ARGON2_TIME_COST, which the gateway does not read/,
      "auth's ConfigMap loaded by the gateway",
    )
    t.match(
      deployment('user', (user) => user.envFrom?.push({ configMapRef: { name: 'portcullis-signing' } })),
      /user\.yaml#0: user gets SIGNING_ALG, which user does not read[\s\S]*user gets REFRESH_ABSOLUTE_TTL, which user does not read/,
      "the key ring's ConfigMap loaded by user",
    )
    t.match(
      deployment('oidc', (oidc) => oidc.envFrom?.push({ configMapRef: { name: 'portcullis-accounts' } })),
      /oidc\.yaml#0: oidc gets EMAIL_VERIFICATION, which oidc does not read/,
      "the accounts' ConfigMap loaded by the OpenID Connect provider",
    )
    t.match(
      deployment('gateway', (gateway) =>
        gateway.env?.push({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'portcullis-secrets', key: 'database-url' } } }),
      ),
      /gateway\.yaml#0: gateway gets DATABASE_URL, which the gateway does not read/,
      'the database given to the gateway',
    )
    t.match(
      deployment('gateway', (gateway) => gateway.envFrom?.push({ configMapRef: { name: 'portcullis-database' } })),
      /gateway gets DB_POOL_SIZE, which the gateway does not read[\s\S]*gateway gets REFRESH_IDLE_TTL, which the gateway does not read/,
      "the database's ConfigMap loaded by the gateway",
    )
    t.match(
      deployment('auth', (auth) => auth.envFrom?.push({ configMapRef: { name: 'portcullis-auth-url' } })),
      /auth\.yaml#0: auth gets AUTH_URL, which auth does not read/,
      'AUTH_URL given to auth',
    )
    t.match(
      deployment('user', (user) => user.envFrom?.push({ configMapRef: { name: 'portcullis-gateway' } })),
      /user\.yaml#0: user gets AUTH_UPSTREAMS, which user does not read/,
      "the gateway's ConfigMap loaded by user",
    )
    t.match(
      problemsAfter<IJob>('batch/v1/Job', (body) => body.spec?.template.spec?.containers[0]?.envFrom?.push({ configMapRef: { name: 'portcullis-auth-url' } })),
      /migrate-job\.yaml#0: migrate gets AUTH_URL, which auth does not read/,
      "the migration Job, which runs auth's code, given AUTH_URL",
    )
    t.match(
      problemsAfter<IConfigMap>('v1/ConfigMap', (body) => Object.assign(body.data ?? {}, { COOKIE_SECURE: 'true' }), 'portcullis-config'),
      /gateway\.yaml#0: gateway gets COOKIE_SECURE, which the gateway does not read\noidc\.yaml#0: oidc gets COOKIE_SECURE, which oidc does not read\nuser\.yaml#0: user gets COOKIE_SECURE, which user does not read[\s\S]*COOKIE_SECURE is in more than one ConfigMap: portcullis-config, portcullis-auth/,
      'an auth setting in the ConfigMap every pod loads',
    )
  })

  t.test('one owner per setting', async (t) => {
    t.match(
      problemsAfter<IConfigMap>('v1/ConfigMap', (body) => Object.assign(body.data ?? {}, { REFRESH_IDLE_TTL: '3600' }), 'portcullis-auth'),
      /REFRESH_IDLE_TTL is in more than one ConfigMap: portcullis-database, portcullis-auth[\s\S]*auth\.yaml#0: auth gets REFRESH_IDLE_TTL from more than one place: the ConfigMap portcullis-database, the ConfigMap portcullis-auth[\s\S]*REFRESH_IDLE_TTL, which auth, user, admin and oidc must agree on, does not come from one place: portcullis-admin: the ConfigMap portcullis-database; portcullis-auth: the ConfigMap portcullis-auth/,
      "REFRESH_IDLE_TTL also in auth's ConfigMap, with another value",
    )
    t.match(
      problemsAfter<IDeployment>(
        'apps/v1/Deployment',
        (body) => {
          const envFrom = container(body).envFrom
          envFrom?.splice(
            envFrom.findIndex((from) => from.configMapRef?.name === 'portcullis-database'),
            1,
          )
        },
        'portcullis-user',
      ),
      /REFRESH_IDLE_TTL, which auth, user, admin and oidc must agree on, does not come from one place: .*portcullis-user: nothing \(its default\)/,
      "user without the database's ConfigMap, on its own default idle limit",
    )
    t.match(
      problemsAfter<IDeployment>('apps/v1/Deployment', (body) => container(body).env?.push({ name: 'ACCESS_TOKEN_TTL', value: '600' }), 'portcullis-gateway'),
      /gateway\.yaml#0: gateway gets ACCESS_TOKEN_TTL from more than one place: the ConfigMap portcullis-config, the env of portcullis-gateway[\s\S]*ACCESS_TOKEN_TTL, which auth, user, admin, oidc and the gateway must agree on, does not come from one place: .*portcullis-gateway: the env of portcullis-gateway/,
      "the gateway's own ACCESS_TOKEN_TTL over the shared one, even an equal one",
    )
  })

  t.test('the management port', async (t) => {
    t.match(
      problemsAfter<IDeployment>('apps/v1/Deployment', (body) => {
        const probe = container(body).readinessProbe?.httpGet
        if (probe) probe.port = 'http'
      }),
      /admin: readinessProbe probes port http, not the management port 9083/,
      'a probe on the public port, which answers 404 there',
    )
    t.match(
      problemsAfter<IDeployment>('apps/v1/Deployment', (body) => {
        const env = container(body).env?.find((variable) => variable.name === 'MANAGEMENT_PORT')
        if (env) env.value = '9999'
      }),
      /admin serves \/healthz, \/readyz and \/metrics on MANAGEMENT_PORT 9999 but its port "management" is 9083/,
      'MANAGEMENT_PORT and the declared port apart',
    )
    t.match(
      problemsAfter<IService>('v1/Service', (body) => {
        body.spec?.ports?.splice(1)
      }),
      /admin\.yaml#1: no port reaches the management port 9083[\s\S]*ADMIN_UPSTREAMS \(its \/readyz\) is http:\/\/portcullis-admin:9083, a port the Service does not have/,
      'a Service the gateway cannot probe through',
    )
    t.match(
      problemsAfter<IConfigMap>(
        'v1/ConfigMap',
        (body) => Object.assign(body.data ?? {}, { USER_UPSTREAMS: 'http://portcullis-user:8082|8082' }),
        'portcullis-gateway',
      ),
      /USER_UPSTREAMS \(its \/readyz\) is http:\/\/portcullis-user:8082, which reaches port 8082 of user, not its management port 9082/,
      'an upstream probed on its public port',
    )
    t.match(
      problemsAfter<IIngress>('networking.k8s.io/v1/Ingress', (body) => {
        const root = body.spec?.rules?.[0]?.http?.paths.find((route) => route.path === '/')
        if (root?.backend.service) root.backend.service.port = { name: 'management' }
      }),
      /ingress\.yaml#0: \/ goes to port 9080 of the gateway, not its public port 8080/,
      'an Ingress route to the management port',
    )
    t.match(
      problemsAfter<IDeployment>('apps/v1/Deployment', (body) => {
        Object.assign(body.spec?.template.metadata?.annotations ?? {}, { 'prometheus.io/port': '8083' })
      }),
      /admin\.yaml#0: Prometheus would scrape port 8083, not the management port 9083/,
      'Prometheus pointed at the public port',
    )
  })

  t.test('the network policies', async (t) => {
    t.match(
      policy('portcullis-user', (spec) => {
        const rule = spec.ingress?.[0]
        if (rule) rule.from = [{ podSelector: {} }]
      }),
      /portcullis-user port http \(8082\) admits portcullis-auth[\s\S]*portcullis-user port http \(8082\) admits another pod of the namespace/,
      "user's ingress admitting pods other than the gateway",
    )
    t.match(
      policy('portcullis-admin', (spec) => {
        const rule = spec.ingress?.[0]
        if (rule) rule.from = [{ ...gatewayPeer, namespaceSelector: {} }]
      }),
      /portcullis-admin port http \(8083\) admits a pod of another namespace labelled as the gateway/,
      'a gateway label from any namespace',
    )
    t.match(
      policy('portcullis-user', (spec) => {
        const rule = spec.ingress?.[0]
        if (rule) delete rule.ports
      }),
      /portcullis-user port undeclared \(22\) admits portcullis-gateway/,
      'a rule open on every port',
    )
    t.match(
      policy('portcullis-gateway', (spec) => {
        const peer = spec.ingress?.[0]?.from?.[0]
        if (peer) delete peer.podSelector
      }),
      /portcullis-gateway port http \(8080\) admits another pod of the Ingress controller's namespace/,
      "the Ingress controller's whole namespace",
    )
    t.match(
      policy('portcullis-auth', (spec) => {
        spec.ingress?.[0]?.from?.splice(1, 1)
      }),
      /portcullis-auth port http \(8081\) refuses portcullis-user/,
      "user shut out of auth's JWKS",
    )
    t.match(
      policy('portcullis-monitoring', (spec) => {
        const peer = spec.ingress?.[0]?.from?.[0]
        if (peer) peer.ipBlock = { cidr: '0.0.0.0/0' }
      }),
      /portcullis-auth port management \(9081\) admits something outside the cluster/,
      'an ipBlock',
    )
    t.match(
      policy('portcullis-default-deny', (spec) => {
        spec.podSelector = { matchLabels: { 'app.kubernetes.io/component': 'gateway' } }
      }),
      /portcullis-migrate port undeclared \(22\) admits another pod of the namespace[\s\S]*another pod of the namespace port undeclared \(22\) admits something outside the cluster/,
      'no default deny for the rest of the namespace',
    )
    t.match(
      policy('portcullis-oidc', (spec) => {
        const rule = spec.ingress?.[0]
        if (rule) rule.from = [{ podSelector: {} }]
      }),
      /portcullis-oidc port http \(8084\) admits portcullis-auth[\s\S]*portcullis-oidc port http \(8084\) admits another pod of the namespace/,
      'the OpenID Connect provider admitting pods other than the gateway',
    )
    const withoutPolicies = structuredClone(manifests)
    withoutPolicies.all = withoutPolicies.all.filter(({ kind }) => kind !== 'networking.k8s.io/v1/NetworkPolicy')
    t.match(allProblems(withoutPolicies).join('\n'), /portcullis-user port http \(8082\) admits something outside the cluster/, 'no policies at all')
  })

  t.test('the key-encryption keys', async (t) => {
    t.match(
      problemsAfter<IJob>('batch/v1/Job', (body) => {
        const env = body.spec?.template.spec?.containers[0]?.env
        env?.splice(
          env.findIndex((variable) => variable.name === 'KEY_ENCRYPTION_KEY'),
          1,
        )
      }),
      /migrate-job\.yaml#0: migrate does not get KEY_ENCRYPTION_KEY from key-encryption-key of portcullis-secrets/,
      'the migration Job without the key',
    )
    t.match(
      problemsAfter<IDeployment>('apps/v1/Deployment', (body) =>
        container(body).env?.push({
          name: 'KEY_ENCRYPTION_KEY',
          valueFrom: { secretKeyRef: { name: 'portcullis-secrets', key: 'key-encryption-key' } },
        }),
      ),
      /admin\.yaml#0: admin gets KEY_ENCRYPTION_KEY, which only auth and oidc needs/,
      'the key given to a service that has no use for it',
    )
    t.match(
      problemsAfter<IDeployment>(
        'apps/v1/Deployment',
        (body) => {
          const env = container(body).env
          env?.splice(
            env.findIndex((variable) => variable.name === 'KEY_ENCRYPTION_KEY'),
            1,
          )
        },
        'portcullis-oidc',
      ),
      /oidc\.yaml#0: oidc does not get KEY_ENCRYPTION_KEY from key-encryption-key of portcullis-secrets/,
      'the OpenID Connect provider without the key of the ring it signs with',
    )
    t.match(
      problemsAfter<IDeployment>(
        'apps/v1/Deployment',
        (body) => {
          const envFrom = container(body).envFrom
          envFrom?.splice(
            envFrom.findIndex((from) => from.configMapRef?.name === 'portcullis-signing'),
            1,
          )
        },
        'portcullis-oidc',
      ),
      /SIGNING_ALG, which auth and oidc must agree on, does not come from one place: .*portcullis-oidc: nothing \(its default\)/,
      'the OpenID Connect provider on an algorithm of its own',
    )
    t.match(
      problemsAfter<ISecret>('v1/Secret', (body) =>
        Object.assign(body.stringData ?? {}, { 'key-encryption-key': 'q7bX0a1ZsZ7yq9gJ0c2m5m1x3sT8dY4kP6wN2vR8uLk=' }),
      ),
      /key-encryption-key looks like a real value, not a CHANGE-ME placeholder/,
      'a real key in the example',
    )
  })

  t.test('the service client', async (t) => {
    t.match(
      problemsAfter<IDeployment>('apps/v1/Deployment', (body) =>
        container(body).env?.push({
          name: 'SERVICE_CLIENT_ID',
          valueFrom: { secretKeyRef: { name: 'portcullis-secrets', key: 'gateway-client-id' } },
        }),
      ),
      /admin\.yaml#0: admin gets SERVICE_CLIENT_ID, which only the gateway needs/,
      'a client given to admin, which has no use for one',
    )
    t.match(
      problemsAfter<IDeployment>(
        'apps/v1/Deployment',
        (body) => {
          const env = container(body).env
          env?.splice(
            env.findIndex((variable) => variable.name === 'SERVICE_CLIENT_SECRET'),
            1,
          )
        },
        'portcullis-gateway',
      ),
      /gateway\.yaml#0: gateway does not get SERVICE_CLIENT_SECRET from gateway-client-secret of portcullis-secrets/,
      'the gateway without its secret',
    )
    t.match(
      problemsAfter<ISecret>('v1/Secret', (body) => Object.assign(body.stringData ?? {}, { 'user-client-id': 'CHANGE-ME', 'user-client-secret': 'CHANGE-ME' })),
      /secret\.example\.yaml#0: user-client-id is read by no pod\nsecret\.example\.yaml#0: user-client-secret is read by no pod/,
      "a client's keys left in the secret with no pod to read them",
    )
  })

  t.test('a copy of infra/k8s with a bad field is refused', async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-k8s-'))
    t.teardown(() => rm(dir, { recursive: true, force: true }))
    cpSync(k8sDir, dir, { recursive: true })
    const file = path.join(dir, 'gateway.yaml')
    writeFileSync(file, readFileSync(file, 'utf8').replace('averageUtilization: 70', 'averageUtilization: seventy'))
    t.match(allProblems(loadManifests(dir)).join('\n'), /gateway\.yaml#2: .*averageUtilization must be integer/)
  })
})
