import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'
import { GpushipError } from '@gpuship/core'
import type { KubeObject } from '@gpuship/kube'
import { parseImage } from './image-ref.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

function filesOf(path: string): string[] {
  let st
  try {
    st = statSync(path)
  } catch {
    throw new GpushipError(`manifests entry '${path}' does not exist.`, {
      input: 'manifests',
      hint: 'Paths are relative to the workspace; check out the repository first (actions/checkout).'
    })
  }
  if (!st.isDirectory()) return [path]
  return readdirSync(path)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => join(path, f))
}

export function loadManifests(paths: string[]): { objects: KubeObject[]; files: string[] } {
  const files = paths.flatMap(filesOf)
  const objects: KubeObject[] = []
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      if (doc.errors.length) throw new GpushipError(`${f}: ${doc.errors[0].message}`, { input: 'manifests' })
      const o = doc.toJS() as any
      if (o === null || o === undefined) continue
      if (o.kind === 'List' && Array.isArray(o.items)) objects.push(...o.items)
      else if (!o.apiVersion || !o.kind || !o.metadata?.name)
        throw new GpushipError(`${f}: a document without apiVersion, kind or metadata.name.`, {
          input: 'manifests',
          hint: 'Each YAML document must be a complete Kubernetes object.'
        })
      else objects.push(o)
    }
  }
  if (objects.length === 0) throw new GpushipError(`No Kubernetes objects in manifests (${paths.join(', ')}).`, { input: 'manifests' })
  return { objects, files }
}

function podSpecOf(o: any): any {
  if (o.kind === 'Pod') return o.spec
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec
  return o.spec?.template?.spec
}

/**
 * Sets every container whose image names the rolled-out repository to the digest, and refuses
 * when the target Deployment ends up with an image that was not substituted (k8s-deploy #286:
 * a silent no-op there).
 */
export function substituteImage(objects: KubeObject[], image: string, target: { namespace: string; name: string }): { substituted: string[] } {
  const want = parseImage(image).repository
  const substituted: string[] = []
  for (const o of objects as any[]) {
    const spec = podSpecOf(o)
    for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
      if (typeof c.image !== 'string') continue
      let repo: string
      try {
        repo = parseImage(c.image).repository
      } catch {
        continue
      }
      if (repo === want) {
        substituted.push(`${o.kind}/${o.metadata.name} container ${c.name}: ${c.image} -> ${image}`)
        c.image = image
      }
    }
  }
  const dep = (objects as any[]).find((o) => o.kind === 'Deployment' && o.metadata.name === target.name)
  if (!dep)
    throw new GpushipError(`The manifests have no Deployment named ${target.name}.`, {
      input: 'name',
      hint: `Set name to the Deployment in your manifests (found: ${
        (objects as any[])
          .filter((o) => o.kind === 'Deployment')
          .map((o) => o.metadata.name)
          .join(', ') || 'none'
      }).`
    })
  dep.metadata.namespace ??= target.namespace
  const images = (podSpecOf(dep)?.containers ?? []).map((c: any) => c.image)
  if (!images.includes(image)) {
    throw new GpushipError(
      `No container image in Deployment ${target.name} was substituted: it uses ${images.join(', ') || 'no image'}, none of which is the repository ${want}.`,
      {
        input: 'manifests',
        hint: `Write the container image as ${want} (any tag) or ${want}@sha256:... in the manifest so it can be replaced by the digest, or pass the image of the repository the manifest uses.`
      }
    )
  }
  for (const o of objects as any[])
    if (o.metadata && o.kind !== 'Namespace' && !['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'PersistentVolume', 'StorageClass'].includes(o.kind))
      o.metadata.namespace ??= target.namespace
  return { substituted }
}
