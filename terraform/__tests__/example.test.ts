// The example root module and the bootstrap root: every module call passes only inputs the module
// declares and all the ones it requires; nothing account-, region- or ARN-specific is committed;
// the outputs the gpuship actions need are there.
import { describe, test, expect, beforeAll } from '@jest/globals'
import { join, resolve } from 'node:path'
import { readFileSync } from 'node:fs'
import { filesUnder, unwrap, type TfDir } from '../tools/hcl.js'
import { loadAll, TERRAFORM_ROOT } from './lib/load.js'
import { findHardcoded } from './lib/hardcoded.js'

let dirs: Record<string, TfDir>
beforeAll(async () => {
  dirs = await loadAll()
})

const ROOTS = ['examples/triton-gpu-cluster', 'bootstrap']

describe.each(ROOTS)('%s', (root) => {
  test('calls only local gpuship modules, each with declared inputs and every required one', () => {
    const dir = dirs[root]
    const calls = Object.values(dir.modules)
    expect(calls.length).toBeGreaterThan(0)
    for (const call of calls) {
      expect({ module: call.name, local: call.source.startsWith('../') }).toEqual({ module: call.name, local: true })
      const target = resolve(dir.abs, call.source)
      const key = target.slice(TERRAFORM_ROOT.length + 1)
      const mod = dirs[key]
      expect({ module: call.name, source: call.source, found: Boolean(mod) }).toEqual({ module: call.name, source: call.source, found: true })
      const declared = Object.keys(mod.variables)
      for (const arg of Object.keys(call.args))
        expect({ module: call.name, input: arg, declared: declared.includes(arg) }).toEqual({ module: call.name, input: arg, declared: true })
      for (const v of Object.values(mod.variables).filter((x) => !x.hasDefault)) {
        expect({ module: call.name, input: v.name, given: v.name in call.args }).toEqual({ module: call.name, input: v.name, given: true })
      }
    }
  })

  test('object inputs name only attributes the module declares', () => {
    const dir = dirs[root]
    for (const call of Object.values(dir.modules)) {
      const mod = dirs[resolve(dir.abs, call.source).slice(TERRAFORM_ROOT.length + 1)]
      for (const [arg, value] of Object.entries(call.args)) {
        const type = mod.variables[arg]?.type ?? ''
        if (!type.startsWith('object(') || value === null || typeof value !== 'object' || Array.isArray(value)) continue
        const attrs = [...type.matchAll(/(\w+)\s*=/g)].map((m) => m[1])
        for (const k of Object.keys(value))
          expect({ module: call.name, input: `${arg}.${k}`, declared: attrs.includes(k) }).toEqual({ module: call.name, input: `${arg}.${k}`, declared: true })
      }
    }
  })

  test('every module output it references exists', () => {
    const dir = dirs[root]
    const text = Object.keys(dir.files)
      .map((f) => readFileSync(join(dir.abs, f), 'utf8'))
      .join('\n')
    for (const m of text.matchAll(/module\.(\w+)(?:\[\d+\])?\.(\w+)/g)) {
      const call = dir.modules[m[1]]
      expect({ ref: m[0], module: Boolean(call) }).toEqual({ ref: m[0], module: true })
      const mod = dirs[resolve(dir.abs, call.source).slice(TERRAFORM_ROOT.length + 1)]
      expect({ ref: m[0], output: m[2] in mod.outputs }).toEqual({ ref: m[0], output: true })
    }
    for (const m of text.matchAll(/for \w+ in module\.(\w+) : \w+\.(\w+)/g)) {
      const mod = dirs[resolve(dir.abs, dir.modules[m[1]].source).slice(TERRAFORM_ROOT.length + 1)]
      expect({ ref: m[0], output: m[2] in mod.outputs }).toEqual({ ref: m[0], output: true })
    }
  })
})

test('the example outputs what the actions need', () => {
  const outs = dirs['examples/triton-gpu-cluster'].outputs
  for (const o of [
    'cluster_name',
    'region',
    'plan_role_arn',
    'apply_role_arn',
    'image_push_role_arn',
    'deploy_role_arn',
    'repository_url',
    'inference_namespace',
    'prometheus_url'
  ]) {
    expect({ output: o, present: o in outs }).toEqual({ output: o, present: true })
  }
})

test('the example wires every module', () => {
  const sources = Object.values(dirs['examples/triton-gpu-cluster'].modules).map((m) => m.source.replace('../../modules/', ''))
  expect(sources.sort()).toEqual(['ecr', 'eks', 'github_actions_oidc', 'karpenter', 'monitoring', 'vpc'])
})

test('the example region and repository are inputs, not literals', () => {
  const ex = dirs['examples/triton-gpu-cluster']
  expect(ex.variables.region.hasDefault).toBe(false)
  expect(ex.variables.github_repository.hasDefault).toBe(false)
  expect(unwrap(ex.outputs.region.value)).toBe('var.region')
})

describe('nothing account-, region- or ARN-specific is hard-coded', () => {
  const tfFiles = filesUnder(TERRAFORM_ROOT, ['.tf']).filter((f) => !f.includes('/__tests__/'))

  test.each(tfFiles.map((f) => [f.slice(TERRAFORM_ROOT.length + 1), f]))('%s', async (_rel, file) => {
    expect(await findHardcoded(file)).toEqual([])
  })

  test('the detector finds each kind (so the checks above can fail)', async () => {
    const { findHardcodedIn } = await import('./lib/hardcoded.js')
    const hits = await findHardcodedIn(
      'x.tf',
      `
      resource "aws_iam_role_policy_attachment" "a" { policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess" }
      provider "aws" { region = "eu-west-1" }
      locals {
        account = "123456789012"
        ok      = "arn:\${data.aws_partition.current.partition}:iam::aws:policy/ReadOnlyAccess"
      }
      variable "v" {
        description = "for example arn:aws:iam::123456789012:role/x in eu-west-1"
        type        = string
      }
    `
    )
    expect(hits.map((h) => h.kind).sort()).toEqual(['ARN with a literal partition', 'account ID', 'region'])
  })
})
