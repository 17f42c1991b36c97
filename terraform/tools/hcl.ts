// Loads Terraform directories with the real HCL parser (@cdktf/hcl2json, HashiCorp's hcl2json in
// WebAssembly) into a small model: variables, outputs, module calls, resources, locals, settings.
import { parse } from '@cdktf/hcl2json'
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs'
import { join, dirname, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const TERRAFORM_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const REPO_ROOT = join(TERRAFORM_ROOT, '..')

// hcl2json returns untyped JSON whose shape follows the HCL; this is the one escape hatch for it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Hcl = any

export interface Variable {
  name: string
  type?: string
  description?: string
  default?: unknown
  hasDefault: boolean
  sensitive: boolean
  nullable?: boolean
  validations: { condition: string; error_message: string }[]
}

export interface Output {
  name: string
  description?: string
  value: unknown
  sensitive: boolean
}

export interface ModuleCall {
  name: string
  source: string
  version?: string
  args: Record<string, unknown>
  file: string
}

export interface TfDir {
  /** Path relative to terraform/, for example "modules/eks". */
  path: string
  abs: string
  files: Record<string, Hcl>
  variables: Record<string, Variable>
  outputs: Record<string, Output>
  modules: Record<string, ModuleCall>
  resources: Record<string, Record<string, Hcl>>
  data: Record<string, Record<string, Hcl>>
  locals: Record<string, unknown>
  terraform: Hcl[]
}

const META_ARGS = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on'])

/** "${string}" -> "string": hcl2json wraps every expression in an interpolation. */
export function unwrap(value: unknown): string {
  const s = String(value)
  return s.startsWith('${') && s.endsWith('}') ? s.slice(2, -1) : s
}

export const isExpression = (value: unknown): boolean => typeof value === 'string' && value.startsWith('${') && value.endsWith('}')

export async function parseFile(path: string): Promise<Hcl> {
  return parse(path, readFileSync(path, 'utf8'))
}

export async function loadDir(abs: string): Promise<TfDir> {
  const dir: TfDir = {
    path: relative(TERRAFORM_ROOT, abs),
    abs,
    files: {},
    variables: {},
    outputs: {},
    modules: {},
    resources: {},
    data: {},
    locals: {},
    terraform: []
  }
  for (const f of readdirSync(abs)
    .filter((n) => n.endsWith('.tf'))
    .sort()) {
    const hcl = await parseFile(join(abs, f))
    dir.files[f] = hcl
    for (const [name, [v]] of Object.entries<Hcl>(hcl.variable ?? {})) {
      dir.variables[name] = {
        name,
        type: v.type === undefined ? undefined : unwrap(v.type),
        description: v.description,
        default: v.default,
        hasDefault: 'default' in v,
        sensitive: v.sensitive === true,
        nullable: v.nullable,
        validations: v.validation ?? []
      }
    }
    for (const [name, [o]] of Object.entries<Hcl>(hcl.output ?? {})) {
      dir.outputs[name] = { name, description: o.description, value: o.value, sensitive: o.sensitive === true }
    }
    for (const [name, [m]] of Object.entries<Hcl>(hcl.module ?? {})) {
      const args = Object.fromEntries(Object.entries<unknown>(m).filter(([k]) => !META_ARGS.has(k)))
      dir.modules[name] = { name, source: m.source, version: m.version, args, file: f }
    }
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries<Hcl>(hcl[kind] ?? {})) {
        const target = kind === 'resource' ? dir.resources : dir.data
        target[type] ??= {}
        for (const [name, [body]] of Object.entries<Hcl>(byName)) target[type][name] = body
      }
    }
    for (const block of hcl.locals ?? []) Object.assign(dir.locals, block)
    dir.terraform.push(...(hcl.terraform ?? []))
  }
  return dir
}

/** Required providers of a directory: name -> { source, version }. */
export function requiredProviders(dir: TfDir): Record<string, { source?: string; version?: string }> {
  const out: Record<string, { source?: string; version?: string }> = {}
  for (const t of dir.terraform) for (const block of t.required_providers ?? []) Object.assign(out, block)
  return out
}

export function requiredVersion(dir: TfDir): string | undefined {
  return dir.terraform.map((t) => t.required_version).find(Boolean)
}

/** Every Terraform directory gpuship ships: the modules, the bootstrap root and the examples. */
export function terraformDirs(root = TERRAFORM_ROOT): string[] {
  const sub = (p: string): string[] =>
    existsSync(join(root, p))
      ? readdirSync(join(root, p))
          .filter((n) => statSync(join(root, p, n)).isDirectory())
          .sort()
          .map((n) => join(root, p, n))
      : []
  return [...sub('modules'), join(root, 'bootstrap'), ...sub('examples')].filter((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.tf')))
}

export const moduleDirs = (root = TERRAFORM_ROOT): string[] => terraformDirs(root).filter((d) => relative(root, d).startsWith('modules'))

/** Files of a directory tree with one of the extensions, absolute paths. */
export function filesUnder(abs: string, exts: string[]): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e)
      if (statSync(p).isDirectory()) {
        if (e !== '.terraform' && e !== 'node_modules') walk(p)
      } else if (exts.some((x) => e.endsWith(x))) out.push(p)
    }
  }
  walk(abs)
  return out
}
