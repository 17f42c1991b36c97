import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Puts the `terraform` stand-in first on a PATH for a test (a shell shim that runs
 * terraform-standin.mjs with this node), with a JSON control file as the scenario.
 */
export interface StandInLock {
  id: string
  who: string
  created: string
  operation?: string
  path?: string
  info?: string
}

export interface StandInControl {
  version?: string
  /** `terraform show -json` fixture used by plan (and show of its saved plan). */
  plan?: string
  /** Fixture for `plan -refresh-only` (drift). */
  refreshPlan?: string
  /** Extra raw text plan prints first (to test that output cannot issue workflow commands). */
  planText?: string
  applyText?: string
  /** A key of standin-errors.mjs ('already-exists', 'not-found', 'cluster-gone', …) or raw stderr text. */
  planError?: string
  applyError?: string
  initError?: string
  /** A held lock: plan and apply fail with terraform's lock error until force-unlock removes it. */
  lock?: StandInLock
  workspaces?: string[]
  /** Addresses in state for `state list`, `state rm` and `plan -destroy` (default: what the plan fixture manages). */
  state?: string[]
  /** Written by the stand-in. */
  unlocked?: string[]
  applied?: { file: string; at: string }[]
  log?: string
}

export interface StandInCall {
  argv: string[]
  cwd: string
  workspace: string
}

export interface TerraformStandIn {
  binDir: string
  controlFile: string
  /** PATH with the stand-in first, plus GPUSHIP_TF_CONTROL. */
  env: Record<string, string>
  set(control: StandInControl): void
  update(patch: Partial<StandInControl>): void
  read(): StandInControl
  calls(): StandInCall[]
}

const here = dirname(fileURLToPath(import.meta.url))
export const STANDIN_SCRIPT = join(here, 'terraform-standin.mjs')
/** The committed `terraform show -json` fixtures (see their README for origin). */
export const TERRAFORM_FIXTURES = resolve(here, '..', '..', '..', 'terraform', 'fixtures')

export function fixture(name: string): string {
  return join(TERRAFORM_FIXTURES, name.endsWith('.json') ? name : `${name}.json`)
}

export function createTerraformStandIn(control: StandInControl = {}, basePath = process.env.PATH ?? ''): TerraformStandIn {
  const binDir = mkdtempSync(join(tmpdir(), 'gpuship-tf-bin-'))
  const controlFile = join(binDir, 'control.json')
  const log = join(binDir, 'calls.jsonl')
  const shim = join(binDir, 'terraform')
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${STANDIN_SCRIPT}" "$@"\n`)
  chmodSync(shim, 0o755)
  const write = (c: StandInControl) => writeFileSync(controlFile, JSON.stringify({ ...c, log }, null, 2))
  write(control)
  const read = (): StandInControl => JSON.parse(readFileSync(controlFile, 'utf8')) as StandInControl
  return {
    binDir,
    controlFile,
    env: { PATH: `${binDir}${delimiter}${basePath}`, GPUSHIP_TF_CONTROL: controlFile },
    set: write,
    update: (patch) => write({ ...read(), ...patch }),
    read,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as StandInCall) : [])
  }
}

/** Go's time.String() form terraform prints in Lock Info ("2026-12-04 17:58:03.412345678 +0000 UTC"). */
export function goTime(d: Date): string {
  return `${d.toISOString().replace('T', ' ').replace(/\.(\d{3})Z$/, '.$1000000')} +0000 UTC`
}
