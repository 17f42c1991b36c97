import { GpushipError, type Logger, silentLogger } from '@gpuship/core'
import { KubeApiError, apiError, type KubeClient } from './kube-client.js'
import { objectPath, type KubeObject } from './resource-paths.js'

export interface ApplyOptions {
  fieldManager: string
  /** Take over fields other managers own (kubectl apply --force-conflicts). */
  force?: boolean
  /** Managers whose conflicting fields we take over without force (our own rollback writes). */
  ownManagers?: string[]
  log?: Logger
}

export interface ApplyResult {
  object: KubeObject
  created: boolean
  forced: boolean
}

interface Cause {
  type?: string
  message?: string
  field?: string
}

/**
 * Server-side apply of one object, the request kubectl apply --server-side sends (JSON body with
 * the apply-patch content type, fieldManager/force in the query). A conflict names each field and
 * its manager; conflicts only with our own earlier writes are taken over.
 */
export async function applyObject(client: KubeClient, obj: KubeObject, opts: ApplyOptions): Promise<ApplyResult> {
  const log = opts.log ?? silentLogger
  const path = await objectPath(client, obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name)
  const send = async (force: boolean): Promise<ApplyResult> => {
    const q = new URLSearchParams({ fieldManager: opts.fieldManager, fieldValidation: 'Strict', force: String(force) })
    const res = await client.request('PATCH', `${path}?${q}`, { body: JSON.stringify(obj) + '\n', contentType: 'application/apply-patch+yaml', retry: true })
    if (res.status === 200 || res.status === 201) return { object: JSON.parse(res.body) as KubeObject, created: res.status === 201, forced: force }
    throw apiError('PATCH', path, res)
  }
  try {
    return await send(opts.force ?? false)
  } catch (e) {
    if (!(e instanceof KubeApiError) || e.status !== 409) throw e
    const causes = ((e.details as { causes?: Cause[] } | undefined)?.causes ?? []).filter((c) => c.type === 'FieldManagerConflict')
    const managers = [...new Set(causes.map((c) => /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? '?'))]
    const own = opts.ownManagers ?? []
    if (causes.length && managers.every((m) => own.includes(m))) {
      log.info(`${obj.kind}/${obj.metadata.name}: taking back ${causes.length} field(s) last written by ${managers.join(', ')} (our own rollback)`)
      return send(true)
    }
    const fields = causes.map((c) => `${c.field} (owned by ${/conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? '?'})`).join(', ')
    throw new GpushipError(`Server-side apply of ${obj.kind}/${obj.metadata.name} conflicts with other field managers: ${fields || e.message}.`, {
      input: 'field-manager',
      code: 'FieldManagerConflict',
      hint:
        managers.includes('kube-controller-manager') && fields.includes('.spec.replicas')
          ? 'An autoscaler owns .spec.replicas: remove replicas from the manifest (the HPA sets it), or set force-conflicts: true.'
          : `Remove these fields from the manifest, let ${opts.fieldManager} own them with force-conflicts: true, or use the same field-manager as the other writer.`,
      cause: e
    })
  }
}

export async function applyAll(client: KubeClient, objects: KubeObject[], opts: ApplyOptions): Promise<ApplyResult[]> {
  const out: ApplyResult[] = []
  // Namespaces first, then everything else in the order given (kubectl's order for one file).
  const ordered = [...objects.filter((o) => o.kind === 'Namespace'), ...objects.filter((o) => o.kind !== 'Namespace')]
  for (const o of ordered) out.push(await applyObject(client, o, opts))
  return out
}
