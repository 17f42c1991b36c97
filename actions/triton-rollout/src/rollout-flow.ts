import { GpushipError, formatError, group, writeUntrusted, type Logger } from '@gpuship/core'
import {
  RolloutError,
  Timeline,
  applyAll,
  deploymentPath,
  newWatchStats,
  rollbackDeployment,
  waitForHpa,
  waitForRollout,
  type HpaResult,
  type KubeClient,
  type KubeObject,
  type RolloutResult
} from '@gpuship/kube'
import type { Inputs } from './inputs.js'
import { loadManifests, substituteImage } from './manifests.js'
import { namespaceObject, tritonTemplate } from './template.js'
import { runRolloutGates } from './gates-run.js'
import type { RolloutReport } from './summary.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface FlowContext {
  client: KubeClient
  inputs: Inputs
  image: string
  resolvedFrom?: string
  log: Logger
  /** Commit and run URL recorded as the change cause. */
  commit?: string
  runUrl?: string
}

export interface FlowResult {
  report: RolloutReport
  failure?: Error
}

export function changeCause(c: FlowContext): Record<string, string> {
  const a: Record<string, string> = {
    'kubernetes.io/change-cause': `gpuship triton-rollout ${c.image}${c.commit ? ` commit ${c.commit}` : ''}${c.runUrl ? ` run ${c.runUrl}` : ''}`
  }
  if (c.commit) a['gpuship.dev/commit'] = c.commit
  if (c.runUrl) a['gpuship.dev/run-url'] = c.runUrl
  return a
}

/** apply -> watch (fail fast) -> HPA -> gates; any failure -> rollback -> watch healthy. */
export async function rolloutFlow(c: FlowContext): Promise<FlowResult> {
  const { client, inputs: i, log } = c
  const started = Date.now()
  const timeline = new Timeline()
  const stats = newWatchStats()
  const startCount = client.requestCount()
  const report: RolloutReport = {
    namespace: i.namespace,
    name: i.name,
    outcome: 'failed',
    newImage: c.image,
    resolvedFrom: c.resolvedFrom,
    durationMs: 0,
    apiRequests: 0,
    pods: [],
    nodes: [],
    timeline: timeline.entries,
    applied: []
  }
  const before = await client.request('GET', deploymentPath(i.namespace, i.name))
  if (before.status !== 200 && before.status !== 404)
    throw new GpushipError(`Reading deployment ${i.namespace}/${i.name}: HTTP ${before.status} ${before.body.slice(0, 300)}`, {
      hint: before.status === 403 ? 'Grant the identity get/patch on deployments in this namespace.' : undefined
    })
  const prev = before.status === 200 ? JSON.parse(before.body) : undefined
  report.oldImage = prev?.spec?.template?.spec?.containers?.[0]?.image
  report.previousRevision = prev?.metadata?.annotations?.['deployment.kubernetes.io/revision']

  let failure: Error | undefined
  let result: RolloutResult | undefined
  try {
    const objects: KubeObject[] = await group(log, 'Manifests', async () => {
      if (i.manifests.length === 0) return [namespaceObject(i.namespace), ...tritonTemplate(i, c.image, changeCause(c))]
      const { objects, files } = loadManifests(i.manifests)
      const { substituted } = substituteImage(objects, c.image, { namespace: i.namespace, name: i.name })
      log.info(`read ${objects.length} object(s) from ${files.length} file(s); ${substituted.join('; ')}`)
      const dep = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === i.name) as any
      dep.metadata.annotations = { ...dep.metadata.annotations, ...changeCause(c) }
      return objects
    })
    const applied = await group(log, `Server-side apply as ${i['field-manager']}`, () =>
      applyAll(client, objects, {
        fieldManager: i['field-manager'],
        force: i['force-conflicts'],
        ownManagers: [i['field-manager'], `${i['field-manager']}-rollback`],
        log
      })
    )
    for (const a of applied) {
      report.applied.push(`${a.object.kind}/${a.object.metadata.name} ${a.created ? 'created' : 'configured'}${a.forced ? ' (conflicts taken over)' : ''}`)
      log.info(`${a.object.kind.toLowerCase()}/${a.object.metadata.name} serverside-applied${a.created ? ' (created)' : ''}`)
    }
    timeline.add('rollout', 'applied')
    result = await group(log, `Rollout of deployment/${i.name}`, () =>
      waitForRollout(client, { namespace: i.namespace, name: i.name, timeoutMs: i.timeout, schedulingGraceMs: i['scheduling-grace'], timeline, stats, log })
    )
    report.revision = result.revision
    report.readyReplicas = result.readyReplicas
    report.pods = result.pods
    if (i.autoscaling) {
      report.hpa = await group(log, `HorizontalPodAutoscaler ${i.name}`, () =>
        waitForHpa(client, { namespace: i.namespace, name: i.name, timeoutMs: i.timeout, graceMs: Math.min(i['scheduling-grace'], 60_000), log, stats })
      )
      timeline.add('autoscaling', `HPA active, desired ${report.hpa.desiredReplicas}`)
    }
    if (i.gates) {
      const newPods = result.pods.filter((p) => p.ready && p.image === c.image)
      const verdict = await group(log, `Gates on ${newPods.length} pod(s)`, () => runRolloutGates(client, i, newPods, log))
      report.gatesMarkdown = verdict.markdown()
      timeline.add('gates', verdict.passed ? 'gates passed' : verdict.inconclusive ? 'gates inconclusive' : 'gates failed')
      if (!verdict.passed && (!verdict.inconclusive || i['fail-on-inconclusive'])) {
        throw new GpushipError(
          `Gates ${verdict.inconclusive ? 'inconclusive' : 'failed'}: ${verdict.failures.slice(0, 5).join('; ') || 'some checks could not decide'}`,
          { code: 'GatesFailed', hint: 'See the Gates section of the job summary for each failed check.' }
        )
      }
    }
    report.outcome = 'succeeded'
  } catch (e) {
    failure = e as Error
    if (e instanceof RolloutError) {
      report.cause = e.rolloutCause
      report.pods = e.pods
      // pod output is untrusted: it must not be able to issue workflow commands
      if (e.rolloutCause.logs?.length) {
        log.info(`last log lines of ${e.rolloutCause.pod}:`)
        writeUntrusted((t) => process.stdout.write(t), e.rolloutCause.logs.join('\n'))
      }
    } else report.error = { message: formatError(e).split('\nFix: ')[0], hint: (e as GpushipError).hint }
    log.error(formatError(e))
    timeline.add('failure', e instanceof RolloutError ? e.rolloutCause.kind : ((e as GpushipError).code ?? 'error'))
    if (i['rollback-on-failure'] && report.previousRevision) await rollback(c, report, timeline, stats)
    else if (i['rollback-on-failure']) log.info(`no rollback: this was the first rollout of deployment/${i.name}, there is no earlier revision`)
  }
  await fillNodes(client, report)
  report.durationMs = Date.now() - started
  report.apiRequests = client.requestCount() - startCount
  return { report, failure }
}

async function rollback(c: FlowContext, report: RolloutReport, timeline: Timeline, stats: ReturnType<typeof newWatchStats>): Promise<void> {
  const { client, inputs: i, log } = c
  await group(log, `Rollback of deployment/${i.name}`, async () => {
    try {
      const rb = await rollbackDeployment(client, i.namespace, i.name, { fieldManager: `${i['field-manager']}-rollback` })
      timeline.add('rollback', `undo to revision ${rb.toRevision}`)
      log.info(
        rb.rolledBack
          ? `deployment.apps/${i.name} rolled back to revision ${rb.toRevision} (${rb.image})`
          : `deployment.apps/${i.name} skipped rollback (current template already matches revision ${rb.toRevision})`
      )
      report.rollback = { toRevision: rb.toRevision, image: rb.image, healthy: false }
      const r = await waitForRollout(client, {
        namespace: i.namespace,
        name: i.name,
        timeoutMs: i.timeout,
        schedulingGraceMs: i['scheduling-grace'],
        timeline,
        stats,
        log
      })
      report.rollback.healthy = true
      report.revision = r.revision
      report.readyReplicas = r.readyReplicas
      report.pods = r.pods
      report.outcome = 'rolled-back'
      timeline.add('rollback', 'previous revision healthy')
    } catch (e) {
      log.error(`rollback failed: ${formatError(e)}`)
      report.rollback = { ...(report.rollback ?? { toRevision: report.previousRevision ?? '?' }), healthy: false, error: formatError(e).split('\n')[0] }
    }
  })
}

async function fillNodes(client: KubeClient, report: RolloutReport): Promise<void> {
  const names = new Set(report.pods.map((p) => p.node).filter(Boolean))
  if (names.size === 0) return
  const res = await client.request('GET', '/api/v1/nodes')
  if (res.status !== 200) return
  for (const n of JSON.parse(res.body).items as any[]) {
    if (!names.has(n.metadata.name)) continue
    report.nodes.push({
      name: n.metadata.name,
      instanceType: n.metadata.labels?.['node.kubernetes.io/instance-type'] ?? '',
      gpus: n.status?.allocatable?.['nvidia.com/gpu'] ?? '0'
    })
  }
}

export type { HpaResult }
