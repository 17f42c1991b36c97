import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { GpushipError } from '@gpuship/core'

/**
 * A kubeconfig entry whose user runs an exec credential plugin, so kubectl asks for a fresh
 * EKS token whenever the cached one expires: long rollouts never hold a dead token.
 */
export interface KubeconfigEntry {
  /** Name of the cluster, user and context entries (alias, or the cluster ARN). */
  name: string
  server: string
  certificateAuthorityData: string
  namespace?: string
  exec: { command: string; args: string[]; env?: Record<string, string> }
}

interface Named { name: string; [k: string]: unknown }
interface Kubeconfig { apiVersion: string; kind: string; clusters: Named[]; users: Named[]; contexts: Named[]; 'current-context': string; preferences?: unknown }

function upsert(list: Named[], item: Named): Named[] {
  return [...list.filter((x) => x.name !== item.name), item]
}

/** The kubeconfig with this entry added or replaced and made current; other entries stay. */
export async function renderKubeconfig(entry: KubeconfigEntry, existing?: string): Promise<string> {
  // yaml is loaded here only: every other action importing @gpuship/aws stays light.
  const { parse, stringify } = await import('yaml')
  let base: Kubeconfig = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [], 'current-context': '', preferences: {} }
  if (existing && existing.trim()) {
    try {
      const doc = parse(existing) as Partial<Kubeconfig>
      base = { ...base, ...doc, clusters: doc.clusters ?? [], users: doc.users ?? [], contexts: doc.contexts ?? [] }
    } catch (err) {
      throw new GpushipError(`The existing kubeconfig is not valid YAML: ${(err as Error).message}`, { input: 'kubeconfig-path', hint: 'Point kubeconfig-path at a new file, or fix the file.' })
    }
  }
  const env = Object.entries(entry.exec.env ?? {}).map(([name, value]) => ({ name, value }))
  base.clusters = upsert(base.clusters, { name: entry.name, cluster: { server: entry.server, 'certificate-authority-data': entry.certificateAuthorityData } })
  base.users = upsert(base.users, {
    name: entry.name,
    user: {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: entry.exec.command,
        args: entry.exec.args,
        ...(env.length ? { env } : {}),
        interactiveMode: 'Never',
        provideClusterInfo: false
      }
    }
  })
  base.contexts = upsert(base.contexts, { name: entry.name, context: { cluster: entry.name, user: entry.name, ...(entry.namespace ? { namespace: entry.namespace } : {}) } })
  base['current-context'] = entry.name
  return stringify(base)
}

/** Writes (merging) with mode 0600 even when the file existed with looser permissions. */
export async function writeKubeconfig(path: string, entry: KubeconfigEntry): Promise<string> {
  mkdirSync(dirname(path), { recursive: true })
  const text = await renderKubeconfig(entry, existsSync(path) ? readFileSync(path, 'utf8') : undefined)
  writeFileSync(path, text, { mode: 0o600 })
  chmodSync(path, 0o600)
  return path
}
