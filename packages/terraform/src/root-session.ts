import { readFile } from 'node:fs/promises'
import { accessSync, constants } from 'node:fs'
import { delimiter, join, resolve } from 'node:path'
import { group, type Logger } from '@gpuship/core'
import { installTerraform } from './install.js'
import { parsePlanJson, type PlanJson } from './plan-model.js'
import { planHash } from './plan-hash.js'
import { summarizePlan, type PlanSummary } from './plan-summary.js'
import { backendFingerprint, normaliseDir, type CommentKey } from './pr-comment.js'
import { createTerraformRunner, type PlanOptions, type TerraformRunner } from './runner.js'
import { TerraformError } from './tf-errors.js'
import type { GitHub } from './github-client.js'
import { judgeLock } from './lock-stale.js'

/**
 * The steps every terraform action shares: put terraform on hand, init, select the workspace,
 * plan with the lock handled, and read the plan back as JSON.
 */
export interface RootOptions {
  workingDirectory: string
  terraformVersion?: string
  downloadUrl?: string
  backendConfig: string[]
  varFiles: string[]
  variables?: string
  workspace: string
  lockTimeoutMs: number
  parallelism?: number
  label: string
  log: Logger
  write?: (text: string) => void
  env?: Record<string, string>
}

export interface Root {
  runner: TerraformRunner
  key: CommentKey
  version: string
  opts: RootOptions
}

export interface PlannedRoot {
  planFile: string
  jsonFile: string
  json: string
  plan: PlanJson
  hash: string
  summary: PlanSummary
  changes: boolean
}

async function backendFiles(root: string, entries: string[]): Promise<string[]> {
  // A backend-config entry without "=" names a file; its content, not its name, decides the state.
  const out: string[] = []
  for (const e of entries.filter((x) => !x.includes('='))) {
    try {
      out.push(await readFile(resolve(root, e), 'utf8'))
    } catch {
      out.push(`missing:${e}`)
    }
  }
  return out
}

function whichTerraform(path: string): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const f = join(dir, process.platform === 'win32' ? 'terraform.exe' : 'terraform')
    try {
      accessSync(f, constants.X_OK)
      return f
    } catch {
      // not here
    }
  }
  return undefined
}

export function lockTimeoutArg(ms: number): string {
  return `${Math.max(0, Math.round(ms / 1000))}s`
}

export async function openRoot(o: RootOptions): Promise<Root> {
  const cwd = resolve(o.workingDirectory)
  let binary = 'terraform'
  let version = ''
  if (o.terraformVersion) {
    const probe = createTerraformRunner({ workingDirectory: cwd, log: o.log, write: o.write, env: o.env })
    const onPath = whichTerraform(o.env?.PATH ?? process.env.PATH ?? '')
    const found = onPath ? { path: onPath, version: await probe.version().catch(() => '') } : undefined
    const inst = await group(o.log, `Install terraform ${o.terraformVersion}`, () => installTerraform({ version: o.terraformVersion!, baseUrl: o.downloadUrl, log: o.log, onPath: found }))
    binary = inst.binary
    version = inst.version
  }
  const runner = createTerraformRunner({ binary, workingDirectory: cwd, log: o.log, write: o.write, env: o.env })
  if (!version) version = await runner.version()
  await group(o.log, 'terraform init', () => runner.init({ backendConfig: o.backendConfig, lockTimeout: lockTimeoutArg(o.lockTimeoutMs) }))
  if (o.workspace && o.workspace !== 'default') await group(o.log, `terraform workspace ${o.workspace}`, () => runner.selectWorkspace(o.workspace))
  const key: CommentKey = { label: o.label, dir: normaliseDir(o.workingDirectory), workspace: o.workspace || 'default', backend: backendFingerprint(o.backendConfig, await backendFiles(cwd, o.backendConfig)) }
  return { runner, key, version, opts: o }
}

export interface LockPolicy {
  unlockStale: boolean
  github?: GitHub
  repo?: { owner: string; repo: string }
}

/** Plans; a held lock is released and the plan retried once, only when unlock-stale allows and the holder has finished. */
export async function planRoot(root: Root, outDir: string, extra: Partial<PlanOptions>, lock: LockPolicy): Promise<PlannedRoot> {
  const planFile = join(outDir, 'tfplan')
  const opts: PlanOptions = { out: planFile, varFiles: root.opts.varFiles, variables: root.opts.variables, lockTimeout: lockTimeoutArg(root.opts.lockTimeoutMs), parallelism: root.opts.parallelism, ...extra }
  const run = async () => {
    try {
      return await root.runner.plan(opts)
    } catch (e) {
      if (!(e instanceof TerraformError) || e.failureReason !== 'lock-held' || !e.lock || !lock.unlockStale) throw e
      if (!lock.github || !lock.repo) throw new TerraformError(`${e.message} unlock-stale is set, but no github-token was given to check the lock's holder.`, { reason: 'lock-held', lock: e.lock, hint: e.hint })
      const verdict = await judgeLock(lock.github, lock.repo, e.lock)
      if (!verdict.stale) throw new TerraformError(`${e.message} Not released by unlock-stale: ${verdict.reason}.`, { reason: 'lock-held', lock: e.lock, hint: e.hint })
      root.opts.log.warning(`Releasing stale state lock ${e.lock.id}: ${verdict.reason}.`)
      await root.runner.forceUnlock(e.lock.id)
      return root.runner.plan(opts)
    }
  }
  const res = await group(root.opts.log, `terraform plan${extra.refreshOnly ? ' -refresh-only' : ''}`, run)
  const json = await root.runner.showJson(planFile)
  const plan = parsePlanJson(json, 'terraform show -json')
  const jsonFile = join(outDir, 'plan.json')
  const { writeFile } = await import('node:fs/promises')
  await writeFile(jsonFile, json, { mode: 0o600 })
  return { planFile, jsonFile, json, plan, hash: planHash(plan), summary: summarizePlan(plan), changes: res.changes }
}
