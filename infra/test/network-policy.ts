// What a set of NetworkPolicies lets through (ingress), by the rules of the Kubernetes API: enough to check who may
// connect to whom in infra/k8s without a cluster or a network plugin.
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy'

type Spec = NonNullable<INetworkPolicy['spec']>
type LabelSelector = NonNullable<Spec['podSelector']>
type Peer = NonNullable<NonNullable<Spec['ingress']>[number]['from']>[number]
type PolicyPort = NonNullable<NonNullable<Spec['ingress']>[number]['ports']>[number]

export interface Pod {
  namespace: string
  /** The labels of its namespace, `kubernetes.io/metadata.name` included (the API server sets it). */
  namespaceLabels: Record<string, string>
  labels: Record<string, string>
  /** Its containers' ports, for policies that name a port. */
  ports: Array<{ name?: string; containerPort: number; protocol?: string }>
}

/** Whoever opens a connection: a pod, or (no pod) something outside the cluster. */
export interface Caller {
  name: string
  pod: Pod | undefined
}

/** A label selector against labels; an empty selector selects everything. */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const matchLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value)
  const matchExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key]
    switch (operator) {
      case 'In':
        return value !== undefined && values.includes(value)
      case 'NotIn':
        return value === undefined || !values.includes(value)
      case 'Exists':
        return value !== undefined
      case 'DoesNotExist':
        return value === undefined
      default:
        throw new Error(`unknown label selector operator ${operator}`)
    }
  })
  return matchLabels && matchExpressions
}

/** A peer of a rule in a policy of `namespace`: podSelector alone means that namespace's pods, namespaceSelector alone
 * every pod of the namespaces it selects, both together the pods it selects in those namespaces. An ipBlock is taken to
 * admit anyone: pod addresses inside it are the network plugin's business, so a policy here should need none. */
function peerAdmits(peer: Peer, namespace: string, caller: Caller): boolean {
  if (peer.ipBlock) return true
  // The API refuses a peer with no selector; count it as admitting everyone, so that it cannot pass for closed.
  if (!peer.podSelector && !peer.namespaceSelector) return true
  const pod = caller.pod
  if (!pod) return false
  const inNamespace = peer.namespaceSelector ? selects(peer.namespaceSelector, pod.namespaceLabels) : pod.namespace === namespace
  return inNamespace && (peer.podSelector ? selects(peer.podSelector, pod.labels) : true)
}

/** Whether a rule's ports take `port` (TCP) of `destination`; no ports: every port. A named port is the destination
 * container port of that name. */
function portAdmits(ports: PolicyPort[] | undefined, destination: Pod, port: number): boolean {
  if (!ports || ports.length === 0) return true
  return ports.some((rule) => {
    if ((rule.protocol ?? 'TCP') !== 'TCP') return false
    if (rule.port === undefined) return true
    if (typeof rule.port === 'string') {
      return destination.ports.some((candidate) => candidate.name === rule.port && candidate.containerPort === port && (candidate.protocol ?? 'TCP') === 'TCP')
    }
    return rule.endPort === undefined ? port === rule.port : port >= rule.port && port <= rule.endPort
  })
}

/** Whether `caller` may open a TCP connection to `port` of `destination`. A pod no policy selects (for ingress) takes
 * anything; a selected one only what some rule of a policy selecting it admits. */
export function admits(policies: INetworkPolicy[], caller: Caller, destination: Pod, port: number): boolean {
  const isolating = policies.filter(
    (policy) =>
      policy.metadata?.namespace === destination.namespace &&
      selects(policy.spec?.podSelector ?? {}, destination.labels) &&
      // policyTypes unset: Ingress always, whatever the rules.
      (policy.spec?.policyTypes ?? ['Ingress']).includes('Ingress'),
  )
  if (isolating.length === 0) return true
  return isolating.some((policy) =>
    (policy.spec?.ingress ?? []).some(
      (rule) =>
        (!rule.from || rule.from.length === 0 || rule.from.some((peer) => peerAdmits(peer, destination.namespace, caller))) &&
        portAdmits(rule.ports, destination, port),
    ),
  )
}
