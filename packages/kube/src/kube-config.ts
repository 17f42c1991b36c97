import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type https from 'node:https'
import { parse as parseYaml } from 'yaml'
import { GpushipError } from '@gpuship/core'
// Only client-node's kubeconfig model and exec-credential plugin: its index pulls in undici 8,
// which needs Node >= 22 (zlib zstd, webidl), and the actions must also run under Node 20.
import { newClusters, newContexts, newUsers, type Cluster, type Context, type User } from '@kubernetes/client-node/dist/config_types.js'
import { ExecAuth } from '@kubernetes/client-node/dist/exec_auth.js'

export interface LoadedKubeConfig {
  cluster: Cluster
  user: User
  context: Context
  /** Builds TLS options and the Authorization header; `fresh` drops the exec plugin's cached credential. */
  credentials(
    fresh: boolean
  ): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean; servername?: string; headers: Record<string, string> }>
}

const fileOrData = (file: string | undefined, data: string | undefined): Buffer | undefined =>
  file ? fs.readFileSync(file) : data ? Buffer.from(data, 'base64') : undefined

function pick<T extends { name: string }>(list: T[], name: string, what: string): T {
  const v = list.find((x) => x.name === name)
  if (!v)
    throw new GpushipError(`The kubeconfig's context refers to ${what} "${name}", which it does not define.`, {
      input: 'kubeconfig',
      hint: 'Regenerate the kubeconfig (the eks-kubeconfig action writes a complete one).'
    })
  return v
}

/** Loads a kubeconfig the way kubectl does ($KUBECONFIG's first file, else ~/.kube/config). */
export function loadKubeConfig(o: { kubeconfig?: string; kubeconfigPath?: string; context?: string } = {}): LoadedKubeConfig {
  let text = o.kubeconfig
  let dir = process.cwd()
  if (text === undefined) {
    const file = o.kubeconfigPath ?? process.env.KUBECONFIG?.split(path.delimiter).find(Boolean) ?? path.join(os.homedir(), '.kube', 'config')
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (e) {
      throw new GpushipError(`Could not read the kubeconfig ${file}: ${(e as Error).message}`, {
        input: 'kubeconfig',
        hint: 'Run the eks-kubeconfig action first, or set KUBECONFIG to a readable kubeconfig file.'
      })
    }
    dir = path.dirname(file)
  }
  let doc: Record<string, unknown>
  try {
    doc = (parseYaml(text) ?? {}) as Record<string, unknown>
  } catch (e) {
    throw new GpushipError(`The kubeconfig is not valid YAML: ${(e as Error).message}`, { input: 'kubeconfig' })
  }
  const clusters = newClusters(doc.clusters ?? [])
  const users = newUsers(doc.users ?? [])
  const contexts = newContexts(doc.contexts ?? [])
  const ctxName = o.context ?? (doc['current-context'] as string | undefined) ?? contexts[0]?.name
  if (!ctxName)
    throw new GpushipError('The kubeconfig has no current context.', {
      input: 'kubeconfig',
      hint: 'Set current-context in the kubeconfig, or run the eks-kubeconfig action first.'
    })
  const context = pick(contexts, ctxName, 'context')
  const cluster = pick(clusters, context.cluster, 'cluster')
  const user = pick(users, context.user, 'user')
  const abs = (f?: string): string | undefined => (f && !path.isAbsolute(f) ? path.join(dir, f) : f)
  let exec = new ExecAuth()
  return {
    cluster,
    user,
    context,
    async credentials(fresh) {
      const headers: Record<string, string> = {}
      if (user.token) headers.Authorization = `Bearer ${user.token}`
      const tokenFile = (user as unknown as { tokenFile?: string }).tokenFile
      if (tokenFile) headers.Authorization = `Bearer ${fs.readFileSync(abs(tokenFile)!, 'utf8').trim()}`
      if (user.username && user.password) headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`
      const opts: https.RequestOptions = { headers: {} }
      if (exec.isAuthProvider(user)) {
        if (fresh) exec = new ExecAuth()
        try {
          await exec.applyAuthentication(user, opts)
        } catch (e) {
          throw new GpushipError(`The kubeconfig's exec credential plugin (${String(user.exec?.command)}) failed: ${(e as Error).message}`, {
            input: 'kubeconfig',
            retryable: false,
            hint: 'Run the plugin command by hand to see its error; for EKS check the AWS credentials it uses (aws sts get-caller-identity).'
          })
        }
        for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k === 'authorization' ? 'Authorization' : k] = String(v)
      }
      return {
        ca: fileOrData(abs(cluster.caFile), cluster.caData),
        cert: fileOrData(abs(user.certFile), user.certData) ?? (opts.cert as Buffer | undefined),
        key: fileOrData(abs(user.keyFile), user.keyData) ?? (opts.key as Buffer | undefined),
        rejectUnauthorized: !cluster.skipTLSVerify,
        servername: cluster.tlsServerName,
        headers
      }
    }
  }
}
