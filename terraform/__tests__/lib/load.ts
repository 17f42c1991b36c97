// Parsed Terraform directories for the checks, loaded once per test file.
import { existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { spawnSync } from 'node:child_process'
import { loadDir, terraformDirs, TERRAFORM_ROOT, type TfDir } from '../../tools/hcl.js'

export { TERRAFORM_ROOT }
export const MODULES = ['state_backend', 'vpc', 'eks', 'monitoring', 'github_actions_oidc', 'ecr', 'karpenter']

let cache: Promise<Record<string, TfDir>> | undefined

/** Every shipped directory by its path under terraform/ ("modules/eks", "bootstrap", ...). */
export function loadAll(): Promise<Record<string, TfDir>> {
  cache ??= (async () => {
    const out: Record<string, TfDir> = {}
    for (const abs of terraformDirs()) out[relative(TERRAFORM_ROOT, abs)] = await loadDir(abs)
    return out
  })()
  return cache
}

export const TERRAFORM_BIN = process.env.GPUSHIP_TERRAFORM_BIN ?? '/usr/local/bin/terraform'
export const hasTerraform = existsSync(TERRAFORM_BIN)

/** Runs the real terraform binary offline (no CLI config, no colour, no checkpoint calls). */
export function terraform(args: string[], cwd: string, input?: string): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' }
  const r = spawnSync(TERRAFORM_BIN, args, { cwd, env, input, encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

export const moduleDir = (name: string): string => join(TERRAFORM_ROOT, 'modules', name)
