import { describe, test, expect } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

// The composite must stay in step with the sibling actions it chains: every INPUT_* it sets is
// an input the sibling declares, every required sibling input is set, and every bundle path
// points at a sibling that exists. Siblings not written yet are reported, not failed.
const here = join(dirname(fileURLToPath(import.meta.url)), '..')
const actions = join(here, '..')
type Meta = {
  name?: string
  description?: string
  branding?: unknown
  inputs?: Record<string, { description?: string; required?: boolean; default?: unknown }>
  outputs?: Record<string, { description?: string; value?: string }>
  runs: { using: string; steps?: { id?: string; run?: string; env?: Record<string, string>; shell?: string; if?: string }[] }
}
const ship = parse(readFileSync(join(here, 'action.yml'), 'utf8')) as Meta
const sibling = (name: string): Meta | undefined =>
  existsSync(join(actions, name, 'action.yml')) ? (parse(readFileSync(join(actions, name, 'action.yml'), 'utf8')) as Meta) : undefined

const steps = (ship.runs.steps ?? []).map((s) => {
  const m = /\$\{\{ github\.action_path \}\}\/\.\.\/([a-z0-9-]+)\/dist\/(post\/)?index\.js/.exec(s.run ?? '')
  return { step: s, action: m?.[1], post: Boolean(m?.[2]) }
})

describe('actions/ship composite', () => {
  test('metadata is complete: name, description, branding, every input and output described', () => {
    expect(ship.runs.using).toBe('composite')
    expect(ship.name && ship.description && ship.branding).toBeTruthy()
    for (const [k, v] of Object.entries(ship.inputs ?? {})) {
      expect([k, Boolean(v.description)]).toEqual([k, true])
      expect(k).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
    }
    for (const [k, v] of Object.entries(ship.outputs ?? {})) expect([k, Boolean(v.description && v.value)]).toEqual([k, true])
  })

  test('chains aws-credentials -> ecr-build-push -> eks-kubeconfig -> triton-rollout, then clears credentials always', () => {
    expect(steps.map((s) => `${s.action}${s.post ? '/post' : ''}`)).toEqual([
      'aws-credentials',
      'ecr-build-push',
      'eks-kubeconfig',
      'triton-rollout',
      'aws-credentials/post'
    ])
    expect(steps[4].step.if).toBe('always()')
    for (const s of steps) expect(s.step.shell).toBe('bash')
    expect(steps[3].step.env?.INPUT_IMAGE).toBe('${{ steps.image.outputs.image }}')
  })

  test('every ship input is used, and every ${{ inputs.x }} names a declared input', () => {
    const text = readFileSync(join(here, 'action.yml'), 'utf8')
    const used = new Set([...text.matchAll(/\$\{\{ inputs\.([a-z0-9-]+) \}\}/g)].map((m) => m[1]))
    expect([...used].filter((u) => !(u in (ship.inputs ?? {})))).toEqual([])
    expect(Object.keys(ship.inputs ?? {}).filter((i) => !used.has(i))).toEqual([])
  })

  test.each(['aws-credentials', 'ecr-build-push', 'eks-kubeconfig', 'triton-rollout'])(
    'the %s step sets only inputs the action declares, all required ones, and every default (a bundle run by path gets none)',
    (name) => {
      const meta = sibling(name)
      if (!meta) {
        // Not landed yet: the lead reconciles once its action.yml exists (this test then checks it).
        console.warn(`actions/${name}/action.yml does not exist yet; ship's mapping for it is unchecked`)
        return
      }
      const step = steps.find((s) => s.action === name && !s.post)!.step
      const set = Object.keys(step.env ?? {})
        .filter((k) => k.startsWith('INPUT_'))
        .map((k) => k.slice(6).toLowerCase())
      const declared = Object.keys(meta.inputs ?? {})
      expect(set.filter((s) => !declared.includes(s))).toEqual([])
      const needed = Object.entries(meta.inputs ?? {})
        .filter(([, v]) => (v.required && v.default === undefined) || (v.default !== undefined && v.default !== ''))
        .map(([k]) => k)
      expect(needed.filter((r) => !set.includes(r))).toEqual([])
    }
  )
})
