/* eslint-disable @typescript-eslint/no-explicit-any -- workflow and action.yml documents are untyped parsed YAML */
// Reads the repository's workflows, example callers and action metadata for the repo-wide checks.
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs'
import { join, dirname, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
/** The placeholder owner/repo that users reference (documented in docs/getting-started.md). */
export const REPO = 'gpuship/gpuship'

export interface YamlFile {
  path: string
  text: string
  doc: any
}

function ymlIn(dir: string): YamlFile[] {
  const abs = join(ROOT, dir)
  if (!existsSync(abs)) return []
  return readdirSync(abs)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(join(abs, f), 'utf8')
      return { path: `${dir}/${f}`, text, doc: parse(text) }
    })
}

export const workflows = (): YamlFile[] => ymlIn('.github/workflows')
export const examples = (): YamlFile[] => ymlIn('.github/examples')

export function actionDirs(): string[] {
  return readdirSync(join(ROOT, 'actions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
}

export function actionYaml(name: string): any | undefined {
  const p = join(ROOT, 'actions', name, 'action.yml')
  return existsSync(p) ? parse(readFileSync(p, 'utf8')) : undefined
}

/** Every .ts file under a folder (recursively), relative paths from the repository root. */
export function tsFiles(dir: string): string[] {
  const abs = join(ROOT, dir)
  if (!existsSync(abs)) return []
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = join(d, e)
      if (statSync(p).isDirectory()) walk(p)
      else if (e.endsWith('.ts') && !e.endsWith('.d.ts')) out.push(relative(ROOT, p))
    }
  }
  walk(abs)
  return out.sort()
}

export const readRepoFile = (p: string): string => readFileSync(join(ROOT, p), 'utf8')

/** `uses:` of every step and of every job (reusable-workflow calls) in a workflow document. */
export function usesOf(doc: any): { job: string; uses: string; with: Record<string, unknown> }[] {
  const out: { job: string; uses: string; with: Record<string, unknown> }[] = []
  for (const [job, j] of Object.entries<any>(doc?.jobs ?? {})) {
    if (j.uses) out.push({ job, uses: j.uses, with: j.with ?? {} })
    for (const s of j.steps ?? []) if (s.uses) out.push({ job, uses: s.uses, with: s.with ?? {} })
  }
  return out
}

/** The events of `on:` in any of its three shapes (string, list, map). */
export function eventsOf(doc: any): string[] {
  const on = doc?.on ?? doc?.true
  if (typeof on === 'string') return [on]
  if (Array.isArray(on)) return on
  return Object.keys(on ?? {})
}
