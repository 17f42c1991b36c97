// What `terraform validate` would catch first, checked without providers: every var.*, local.*,
// module.*, resource and data source an expression refers to is declared in the same directory.
import { describe, test, expect, beforeAll } from '@jest/globals'
import type { TfDir } from '../tools/hcl.js'
import { loadAll } from './lib/load.js'

let dirs: Record<string, TfDir>
beforeAll(async () => {
  dirs = await loadAll()
})

/** Every expression string in a parsed file ("${...}" or a template containing one). */
function expressions(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.includes('${')) out.push(value)
  } else if (Array.isArray(value)) value.forEach((v) => expressions(v, out))
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => expressions(v, out))
  return out
}

export function referencesIn(expr: string): { kind: string; name: string }[] {
  const refs: { kind: string; name: string }[] = []
  for (const m of expr.matchAll(/(?<![\w.])(var|local|module)\.([A-Za-z_][\w-]*)/g)) refs.push({ kind: m[1], name: m[2] })
  for (const m of expr.matchAll(/(?<![\w.])(data\.)?([a-z0-9]+_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g))
    refs.push({ kind: m[1] ? 'data' : 'resource', name: `${m[2]}.${m[3]}` })
  return refs
}

const PATHS = [
  'modules/state_backend',
  'modules/vpc',
  'modules/eks',
  'modules/monitoring',
  'modules/github_actions_oidc',
  'modules/ecr',
  'modules/karpenter',
  'bootstrap',
  'examples/triton-gpu-cluster'
]

describe.each(PATHS)('%s', (path) => {
  test('refers only to what it declares', () => {
    const dir = dirs[path]
    const declared = {
      var: new Set(Object.keys(dir.variables)),
      local: new Set(Object.keys(dir.locals)),
      module: new Set(Object.keys(dir.modules)),
      resource: new Set(Object.entries(dir.resources).flatMap(([t, byName]) => Object.keys(byName).map((n) => `${t}.${n}`))),
      data: new Set(Object.entries(dir.data).flatMap(([t, byName]) => Object.keys(byName).map((n) => `${t}.${n}`)))
    }
    const missing: string[] = []
    for (const [file, hcl] of Object.entries(dir.files)) {
      for (const expr of expressions(hcl)) {
        for (const r of referencesIn(expr)) {
          if (!declared[r.kind as keyof typeof declared].has(r.name)) missing.push(`${file}: ${r.kind === 'resource' ? '' : r.kind + '.'}${r.name}`)
        }
      }
    }
    expect([...new Set(missing)]).toEqual([])
  })

  test('declares nothing it never uses (variables, locals, data sources)', () => {
    const dir = dirs[path]
    const all = Object.values(dir.files)
      .flatMap((hcl) => expressions(hcl))
      .flatMap(referencesIn)
    const used = new Set(all.map((r) => `${r.kind}.${r.name}`))
    const unused = [
      ...Object.keys(dir.variables).map((n) => `var.${n}`),
      ...Object.keys(dir.locals).map((n) => `local.${n}`),
      ...Object.entries(dir.data).flatMap(([t, byName]) => Object.keys(byName).map((n) => `data.${t}.${n}`))
    ].filter((n) => !used.has(n))
    expect(unused).toEqual([])
  })
})

test('the reference scanner sees through templates and ignores look-alikes', () => {
  const refs = referencesIn(
    '${var.a.b} x ${local.c[0]} ${module.m.o} ${data.aws_region.current.name} ${aws_iam_role.this["k"].arn} kubernetes.io/role nvidia.com/gpu ${each.value.x_y}'
  )
  expect(refs).toEqual([
    { kind: 'var', name: 'a' },
    { kind: 'local', name: 'c' },
    { kind: 'module', name: 'm' },
    { kind: 'data', name: 'aws_region.current' },
    { kind: 'resource', name: 'aws_iam_role.this' }
  ])
})
