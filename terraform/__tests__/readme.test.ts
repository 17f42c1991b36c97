// Each README's inputs/outputs section is exactly what tools/tf-docs.ts generates from the code.
import { describe, test, expect, beforeAll } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { currentDocs, renderDocs, withDocs } from '../tools/tf-docs.js'
import type { TfDir } from '../tools/hcl.js'
import { loadAll } from './lib/load.js'

let dirs: Record<string, TfDir>
beforeAll(async () => {
  dirs = await loadAll()
})

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

describe.each(PATHS)('%s/README.md', (path) => {
  test('tables match the code (regenerate with npx tsx terraform/tools/tf-docs.ts)', () => {
    const readme = readFileSync(join(dirs[path].abs, 'README.md'), 'utf8')
    expect(currentDocs(readme)).toBe(renderDocs(dirs[path]))
  })

  test('lists every variable and output by name', () => {
    const docs = currentDocs(readFileSync(join(dirs[path].abs, 'README.md'), 'utf8')) ?? ''
    for (const name of [...Object.keys(dirs[path].variables), ...Object.keys(dirs[path].outputs)]) expect(docs).toContain(`| \`${name}\` |`)
  })
})

test('a changed description makes the README stale', () => {
  const dir = structuredClone(dirs['modules/ecr'])
  const readme = readFileSync(join(dir.abs, 'README.md'), 'utf8')
  dir.variables.scan_on_push.description = 'Something else entirely.'
  expect(currentDocs(readme)).not.toBe(renderDocs(dir))
  expect(currentDocs(withDocs(readme, renderDocs(dir), 'ecr'))).toBe(renderDocs(dir))
})

test('required inputs come first and pipes in descriptions are escaped', () => {
  const dir = structuredClone(dirs['modules/ecr'])
  dir.variables.scan_on_push.description = 'a | b <c>'
  const docs = renderDocs(dir)
  const rows = docs
    .slice(docs.indexOf('## Inputs'))
    .split('\n')
    .filter((l) => l.startsWith('| `'))
  expect(rows[0]).toContain('`repositories`')
  expect(docs).toContain('a \\| b &lt;c&gt;')
})

test('a README without markers is an error that names the markers', () => {
  expect(() => withDocs('# x\n', 'docs', 'modules/x')).toThrow(/BEGIN_TF_DOCS/)
})
