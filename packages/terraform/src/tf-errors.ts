import { GpushipError } from '@gpuship/core'

/**
 * Terraform failures recognised from terraform's own error text (stderr), each turned into an
 * error that says what it means for the state and the exact fix. The texts matched are
 * terraform's and the AWS provider's wording (see packages/testkit/src/terraform/README.md).
 */
export type FailureReason = 'plan-not-found' | 'lock-held' | 'already-exists' | 'not-found' | 'cluster-gone' | 'plan-changed' | 'init-failed' | 'plan-failed' | 'apply-failed' | 'terraform-failed'

export interface LockInfo {
  id: string
  path?: string
  operation?: string
  who?: string
  version?: string
  created?: string
  info?: string
  /** Milliseconds since the lock was created, when Created parsed. */
  ageMs?: number
}

export class TerraformError extends GpushipError {
  readonly failureReason: FailureReason
  readonly lock?: LockInfo
  /** Lines a caller may show as they are (e.g. what changed since review). */
  readonly detail?: string[]
  constructor(message: string, opts: { hint?: string; input?: string; reason: FailureReason; lock?: LockInfo; detail?: string[]; cause?: unknown }) {
    super(message, { hint: opts.hint, input: opts.input, code: opts.reason, cause: opts.cause })
    this.failureReason = opts.reason
    this.lock = opts.lock
    this.detail = opts.detail
  }
}

// ANSI colour codes from a terminal-configured terraform would break every match.
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '')
}

function field(block: string, name: string): string | undefined {
  const m = new RegExp(`^\\s*(?:│\\s*)?${name}:[ \\t]*(.*)$`, 'm').exec(block)
  const v = m?.[1].trim()
  return v ? v : undefined
}

/** Terraform prints Created as Go's time.String(): "2026-12-04 18:01:02.123456789 +0000 UTC". */
export function parseGoTime(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? ([+-]\d{2})(\d{2})/.exec(text)
  if (!m) return undefined
  const frac = m[3] ? m[3].slice(0, 4) : ''
  const t = Date.parse(`${m[1]}T${m[2]}${frac}${m[4]}:${m[5]}`)
  return Number.isNaN(t) ? undefined : t
}

export function parseLockInfo(output: string, now = Date.now()): LockInfo | undefined {
  const text = stripAnsi(output)
  if (!/Error acquiring the state lock|Error locking state/.test(text)) return undefined
  const at = text.indexOf('Lock Info:')
  if (at < 0) return undefined
  const block = text.slice(at)
  const id = field(block, 'ID')
  if (!id) return undefined
  const created = field(block, 'Created')
  const t = created ? parseGoTime(created) : undefined
  return { id, path: field(block, 'Path'), operation: field(block, 'Operation'), who: field(block, 'Who'), version: field(block, 'Version'), created, info: field(block, 'Info'), ageMs: t === undefined ? undefined : Math.max(0, now - t) }
}

export function formatAge(ms: number | undefined): string {
  if (ms === undefined) return 'unknown age'
  const s = Math.round(ms / 1000)
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.round(s / 60)}m`
  if (s < 172800) return `${Math.round(s / 3600)}h`
  return `${Math.round(s / 86400)}d`
}

export function lockError(lock: LockInfo, workingDirectory: string): TerraformError {
  const cd = workingDirectory && workingDirectory !== '.' ? `cd ${workingDirectory} && ` : ''
  return new TerraformError(
    `The state is locked: lock ${lock.id} is held by ${lock.who ?? 'an unknown holder'} for ${lock.operation ?? 'an unknown operation'} since ${lock.created ?? 'an unknown time'} (${formatAge(lock.ageMs)} ago)${lock.path ? ` on ${lock.path}` : ''}.`,
    {
      reason: 'lock-held',
      lock,
      hint: `If that run is still going, wait for it (or raise lock-timeout). If it died, release the lock:\n  ${cd}terraform force-unlock -force ${lock.id}\nor set unlock-stale: true to let gpuship release it when the holder is a finished GitHub Actions run of this repository.`
    }
  )
}

/** Resource address and the quoted ID from terraform's diagnostic ("with aws_x.y," line). */
function diagnostics(text: string): { summary: string; address?: string; body: string }[] {
  const out: { summary: string; address?: string; body: string }[] = []
  const re = /(?:^|\n)[│╷\s]*Error: ([^\n]*)/g
  const starts: { index: number; summary: string }[] = []
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push({ index: m.index, summary: m[1].trim() })
  starts.forEach((s, i) => {
    const body = text.slice(s.index, starts[i + 1]?.index ?? text.length)
    const addr = /with ((?:module\.[^\s,]+\.)*(?:data\.)?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?),/.exec(body)?.[1]
    out.push({ summary: s.summary, address: addr, body })
  })
  return out
}

function idFrom(summary: string): string | undefined {
  // "creating EKS Node Group (gpu-prod:gpu): ..." — the provider puts the ID in parentheses.
  return /^(?:creating|importing) [^(]+\(([^)]+)\)/.exec(summary)?.[1]
}

function hcl(s: string): string {
  return JSON.stringify(s)
}

/**
 * Explains an apply/plan failure. Returns a TerraformError whose hint is the fix (an import
 * block, a removed block, a state rm command), or a generic one with the first diagnostic.
 */
export function explainFailure(output: string, step: 'init' | 'plan' | 'apply', workingDirectory: string, now = Date.now()): TerraformError {
  const text = stripAnsi(output)
  const lock = parseLockInfo(text, now)
  if (lock) return lockError(lock, workingDirectory)
  const diags = diagnostics(text)

  const gone = diags.filter((d) => /no such host|dial tcp: lookup|couldn't find resource|ResourceNotFoundException: No cluster found|cluster .* not found|Kubernetes cluster unreachable/i.test(d.body) && /eks|cluster|kubernetes|helm/i.test(d.body))
  if (gone.length && gone.some((d) => /kubernetes_|helm_|kubectl_|aws_eks_cluster|No cluster found|eks\.amazonaws\.com/i.test(d.body))) {
    const addrs = [...new Set(gone.map((d) => d.address).filter((a): a is string => Boolean(a)))]
    const inCluster = addrs.filter((a) => /(^|\.)(kubernetes_|helm_|kubectl_)/.test(a))
    const rm = inCluster.length ? inCluster : addrs
    return new TerraformError(
      `The EKS cluster this state points at no longer exists, but resources inside it are still in the state${addrs.length ? `: ${addrs.join(', ')}` : ''}. Terraform cannot refresh objects in a cluster it cannot reach.`,
      {
        reason: 'cluster-gone',
        hint: `Drop the in-cluster objects from the state (they went with the cluster), then plan again so the cluster is recreated:\n${rm.map((a) => `  terraform state rm '${a}'`).join('\n') || '  terraform state list | grep -E "^(module\\..*\\.)?(kubernetes|helm)_" | xargs -r terraform state rm'}\nor declare them gone in code:\n${(rm.length ? rm : ['kubernetes_namespace.example']).map((a) => `  removed {\n    from = ${a.replace(/\[.*\]$/, '')}\n    lifecycle { destroy = false }\n  }`).join('\n')}`
      }
    )
  }

  const exists = diags.filter((d) => /already exists|EntityAlreadyExists|ResourceInUseException|BucketAlreadyOwnedByYou|ResourceAlreadyExistsException|AlreadyExists/i.test(d.body))
  if (exists.length) {
    const blocks = exists.map((d) => {
      const id = idFrom(d.summary) ?? '<ID shown in the AWS console>'
      return `  import {\n    to = ${d.address ?? '<resource address>'}\n    id = ${hcl(id)}\n  }`
    })
    const names = exists.map((d) => `${d.address ?? 'a resource'} (${idFrom(d.summary) ?? 'ID unknown'})`)
    return new TerraformError(`The state is out of sync with AWS: ${names.join(', ')} already exist${exists.length === 1 ? 's' : ''} in AWS but not in the Terraform state, so creating ${exists.length === 1 ? 'it' : 'them'} failed.`, {
      reason: 'already-exists',
      hint: `Adopt the existing object${exists.length === 1 ? '' : 's'} instead of creating ${exists.length === 1 ? 'it' : 'them'}: add to the root module\n${blocks.join('\n')}\nthen plan again (terraform >= 1.5), or delete the object in AWS if it is a leftover.`
    })
  }

  const missing = diags.filter((d) => /NotFound|NoSuch[A-Z]|not found|does not exist|couldn't find resource/i.test(d.body) && !/provider|module not installed|plugin/i.test(d.summary))
  if (missing.length) {
    const addrs = [...new Set(missing.map((d) => d.address ?? '<resource address>'))]
    return new TerraformError(`The state is out of sync with AWS: ${addrs.join(', ')} ${addrs.length === 1 ? 'is' : 'are'} in the Terraform state but gone from AWS.`, {
      reason: 'not-found',
      hint: `If it was deleted on purpose, forget it:\n${addrs.map((a) => `  terraform state rm '${a}'`).join('\n')}\nor, in code (terraform >= 1.7):\n${addrs.map((a) => `  removed {\n    from = ${a.replace(/\[.*\]$/, '')}\n    lifecycle { destroy = false }\n  }`).join('\n')}\nIf it should exist, plan again: a refresh drops it from state and the plan recreates it.`
    })
  }

  const first = diags[0]?.summary ?? text.trim().split('\n').slice(-1)[0] ?? 'no output'
  return new TerraformError(`terraform ${step} failed: ${first.slice(0, 500)}`, { reason: step === 'init' ? 'init-failed' : step === 'plan' ? 'plan-failed' : 'apply-failed', hint: 'Read the terraform output above in the log; the first "Error:" is the cause.' })
}
