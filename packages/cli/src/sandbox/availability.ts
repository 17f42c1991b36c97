/**
 * Whether a step can run in this build: its action's metadata and bundle exist (a missing bundle
 * is built from the action's sources when this is a development clone) and the testkit pieces it
 * needs are exported. A step that cannot run says so plainly; it is never faked.
 */
import { existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

export interface Availability {
  ok: boolean
  reason?: string
  /** Set when the bundle was built for this run because none was committed. */
  built?: boolean
}

export function actionAvailable(repoRoot: string, action: string, build: (name: string) => { ok: boolean; error?: string } = (n) => bundle(repoRoot, n)): Availability {
  const dir = join(repoRoot, 'actions', action)
  if (!existsSync(join(dir, 'action.yml'))) return { ok: false, reason: `actions/${action}/action.yml is not in this build` }
  if (existsSync(join(dir, 'dist', 'index.js'))) return { ok: true }
  if (!existsSync(join(dir, 'src', 'index.ts'))) return { ok: false, reason: `actions/${action} has neither dist/index.js nor src/index.ts` }
  const r = build(action)
  return r.ok ? { ok: true, built: true } : { ok: false, reason: `actions/${action}/dist could not be built: ${r.error}` }
}

/** Builds one action's dist with the repository's own bundler (ncc), as `pnpm bundle --only` does. */
export function bundle(repoRoot: string, action: string): { ok: boolean; error?: string } {
  const script = join(repoRoot, 'scripts', 'bundle.mjs')
  if (!existsSync(script)) return { ok: false, error: 'scripts/bundle.mjs is missing' }
  const r = spawnSync(process.execPath, [script, '--only', action], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 })
  if (r.status === 0) return { ok: true }
  const tail = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-3).join(' | ')
  return { ok: false, error: tail || `exit ${r.status}` }
}

/** Names among `wanted` that the testkit module does not export (yet). */
export function missingExports(mod: object, wanted: string[]): string[] {
  return wanted.filter((n) => typeof (mod as Record<string, unknown>)[n] !== 'function')
}
