// docs/actions/ is generated from action.yml by scripts/gen-docs.mjs; this fails when it is stale.
import { test, expect } from '@jest/globals'
import { ROOT, actionDirs, actionYaml } from './lib/repo-files.js'

interface GenDocs {
  staleDocs(root: string): string[]
  renderActionDoc(name: string, meta: unknown): string
  expectedDocs(root: string): Record<string, string>
}
const load = async (): Promise<GenDocs> => (await import('../scripts/gen-docs.mjs' as string)) as GenDocs

test('docs/actions is current with every action.yml (run node scripts/gen-docs.mjs)', async () => {
  const { staleDocs } = await load()
  expect(staleDocs(ROOT)).toEqual([])
})

test('a page lists every input with its default and every output, escaped for a table', async () => {
  const { renderActionDoc } = await load()
  const page = renderActionDoc('x', {
    name: 'X',
    description: 'Does x.',
    runs: { using: 'node24', main: 'dist/index.js', post: 'dist/post/index.js' },
    inputs: { 'lock-timeout': { description: 'Wait | at most.', default: '5m' }, 'role-to-assume': { description: 'Role.', required: true } },
    outputs: { changes: { description: 'Whether\nit changed.' } }
  })
  expect(page).toContain('- uses: gpuship/gpuship/actions/x@v1')
  expect(page).toContain('| `lock-timeout` | no | `5m` | Wait \\| at most. |')
  expect(page).toContain('    role-to-assume: <required>')
  expect(page).toContain('| `changes` | Whether it changed. |')
  expect(page).toContain('(main + post)')
})

test('the index links every action that has metadata', async () => {
  const { expectedDocs } = await load()
  const docs = expectedDocs(ROOT)
  const withMeta = actionDirs().filter((d) => actionYaml(d) !== undefined)
  for (const n of withMeta) expect(docs['README.md']).toContain(`[${n}](${n}.md)`)
  expect(Object.keys(docs).length).toBe(withMeta.length + 1)
})
