import type { KObject } from './store.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

function defaultPodSpec(spec: any): void {
  if (!spec) return
  spec.restartPolicy ??= 'Always'
  spec.dnsPolicy ??= 'ClusterFirst'
  spec.schedulerName ??= 'default-scheduler'
  spec.securityContext ??= {}
  spec.terminationGracePeriodSeconds ??= 30
  for (const c of spec.containers ?? []) {
    c.resources ??= {}
    c.terminationMessagePath ??= '/dev/termination-log'
    c.terminationMessagePolicy ??= 'File'
    const tagged = /:[^/:]+$/.test(String(c.image).split('@')[0]) || String(c.image).includes('@')
    c.imagePullPolicy ??= !tagged || /:latest$/.test(c.image) ? 'Always' : 'IfNotPresent'
    for (const p of c.ports ?? []) p.protocol ??= 'TCP'
  }
}

function defaultTemplate(t: any): void {
  if (!t) return
  if (t.metadata && t.metadata.creationTimestamp === null) delete t.metadata.creationTimestamp
  defaultPodSpec(t.spec)
}

let nextIp = 10
/** API-server defaulting for the fields gpuship's manifests leave out (what a real server fills in). */
export function applyDefaults(plural: string, o: KObject): void {
  if (plural === 'deployments') {
    o.spec.replicas ??= 1
    o.spec.revisionHistoryLimit ??= 10
    o.spec.progressDeadlineSeconds ??= 600
    o.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } }
    if (o.spec.strategy.type === 'RollingUpdate') o.spec.strategy.rollingUpdate = { maxSurge: '25%', maxUnavailable: '25%', ...o.spec.strategy.rollingUpdate }
    defaultTemplate(o.spec.template)
  } else if (plural === 'replicasets' || plural === 'daemonsets') {
    defaultTemplate(o.spec?.template)
  } else if (plural === 'pods') {
    defaultPodSpec(o.spec)
  } else if (plural === 'services') {
    o.spec ??= {}
    o.spec.type ??= 'ClusterIP'
    o.spec.clusterIP ??= `10.100.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 2}`
    o.spec.clusterIPs ??= [o.spec.clusterIP]
    o.spec.sessionAffinity ??= 'None'
    for (const p of o.spec.ports ?? []) {
      p.protocol ??= 'TCP'
      p.targetPort ??= p.port
    }
  } else if (plural === 'namespaces') {
    o.spec ??= { finalizers: ['kubernetes'] }
    o.status ??= { phase: 'Active' }
    o.metadata.labels = { 'kubernetes.io/metadata.name': o.metadata.name, ...o.metadata.labels }
  } else if (plural === 'horizontalpodautoscalers') {
    o.spec.minReplicas ??= 1
  }
}

/** The validation a real server would refuse with 422 for the kinds gpuship writes. */
export function validate(plural: string, o: KObject): string | undefined {
  if (!o.metadata?.name) return `${o.kind} "" is invalid: metadata.name: Required value: name or generateName is required`
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.metadata.name) || o.metadata.name.length > 253)
    return `${o.kind} "${o.metadata.name}" is invalid: metadata.name: Invalid value: "${o.metadata.name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`
  if (plural === 'deployments') {
    const sel = o.spec?.selector?.matchLabels ?? {}
    const labels = o.spec?.template?.metadata?.labels ?? {}
    if (Object.keys(sel).length === 0) return `Deployment.apps "${o.metadata.name}" is invalid: spec.selector: Required value`
    if (Object.entries(sel).some(([k, v]) => labels[k] !== v))
      return `Deployment.apps "${o.metadata.name}" is invalid: spec.template.metadata.labels: Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``
    if (!(o.spec?.template?.spec?.containers ?? []).length)
      return `Deployment.apps "${o.metadata.name}" is invalid: spec.template.spec.containers: Required value`
    for (const c of o.spec.template.spec.containers)
      if (!c.image) return `Deployment.apps "${o.metadata.name}" is invalid: spec.template.spec.containers[0].image: Required value`
  }
  return undefined
}
