import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { GpushipError } from '@gpuship/core'

/** What one kubeconfig context resolves to: where the API is and how to authenticate to it. */
export interface KubeTarget {
  server: string
  ca?: Buffer
  insecure: boolean
  /** Resolves the bearer token (static, from a file, or from an exec plugin such as `aws eks get-token`). */
  token?: () => Promise<string>
  cert?: Buffer
  key?: Buffer
  context: string
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Named<T> = { name: string } & T

const b64 = (v: unknown) => (typeof v === 'string' && v ? Buffer.from(v, 'base64') : undefined)
const file = (p: unknown) => (typeof p === 'string' && p ? readFileSync(p) : undefined)

function runExec(exec: any, env: NodeJS.ProcessEnv): Promise<string> {
  const extra = Object.fromEntries((exec.env ?? []).map((e: { name: string; value: string }) => [e.name, e.value]))
  return new Promise((resolve, reject) => {
    execFile(String(exec.command), (exec.args ?? []).map(String), { env: { ...env, ...extra }, timeout: 30_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err)
        return reject(
          new GpushipError(
            `The kubeconfig's exec plugin "${exec.command}" failed: ${String(stderr || err.message)
              .trim()
              .slice(0, 300)}`,
            { hint: 'Run the command by hand to see why (credentials expired? aws CLI missing?).' }
          )
        )
      try {
        const cred = JSON.parse(stdout) as { status?: { token?: string } }
        if (!cred.status?.token) throw new Error('no status.token')
        resolve(cred.status.token)
      } catch (e) {
        reject(
          new GpushipError(`The exec plugin "${exec.command}" printed no ExecCredential token (${(e as Error).message}).`, {
            hint: 'It must print a client.authentication.k8s.io ExecCredential JSON.'
          })
        )
      }
    })
  })
}

/**
 * Resolves the current (or named) context of a kubeconfig document: server, CA, and credentials.
 * Exec tokens are cached until their expiry is near, as kubectl does.
 */
export function resolveKubeconfig(text: string, opts: { context?: string; env?: NodeJS.ProcessEnv } = {}): KubeTarget {
  let doc: any
  try {
    doc = parse(text)
  } catch (e) {
    throw new GpushipError(`The kubeconfig is not valid YAML: ${(e as Error).message}`, { input: 'kubeconfig' })
  }
  const name = opts.context ?? doc?.['current-context']
  const ctx = (doc?.contexts as Named<{ context: any }>[] | undefined)?.find((c) => c.name === name)?.context
  if (!ctx)
    throw new GpushipError(`The kubeconfig has no context ${name ? `"${name}"` : '(current-context is unset)'}.`, {
      input: 'kubeconfig',
      hint: 'Run "aws eks update-kubeconfig --name <cluster> --region <region>" or the eks-kubeconfig action first.'
    })
  const cluster = (doc.clusters as Named<{ cluster: any }>[] | undefined)?.find((c) => c.name === ctx.cluster)?.cluster
  if (!cluster?.server)
    throw new GpushipError(`The kubeconfig's context "${name}" names cluster "${ctx.cluster}", which has no server.`, { input: 'kubeconfig' })
  const user = (doc.users as Named<{ user: any }>[] | undefined)?.find((u) => u.name === ctx.user)?.user ?? {}
  let token: KubeTarget['token']
  if (user.token) token = async () => String(user.token)
  else if (user.tokenFile) token = async () => readFileSync(String(user.tokenFile), 'utf8').trim()
  else if (user.exec) {
    let cached: { token: string; at: number } | undefined
    token = async () => {
      if (cached && Date.now() - cached.at < 10 * 60_000) return cached.token
      cached = { token: await runExec(user.exec, opts.env ?? process.env), at: Date.now() }
      return cached.token
    }
  }
  return {
    server: String(cluster.server).replace(/\/+$/, ''),
    ca: b64(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority']),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    token,
    cert: b64(user['client-certificate-data']) ?? file(user['client-certificate']),
    key: b64(user['client-key-data']) ?? file(user['client-key']),
    context: String(name)
  }
}

/** The kubeconfig kubectl would use: the first file of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfig(env: NodeJS.ProcessEnv = process.env): string {
  const path = (env.KUBECONFIG ?? '').split(':').find(Boolean) ?? join(env.HOME ?? homedir(), '.kube', 'config')
  try {
    return readFileSync(path, 'utf8')
  } catch {
    throw new GpushipError(`No kubeconfig at ${path}.`, {
      input: 'kubeconfig',
      hint: 'Run "aws eks update-kubeconfig --name <cluster> --region <region>", or the eks-kubeconfig action, first.'
    })
  }
}
