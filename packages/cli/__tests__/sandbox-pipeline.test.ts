// The sandbox's job machinery over the real runner harness, with tiny stand-in actions in a
// throw-away repository root: env and outputs flow between steps, a failure skips what follows
// except on-failure steps, a missing action is reported as not available, a leak fails the step.
import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runPipeline } from '../src/sandbox/pipeline.js'
import { createOutputFolder } from '../src/sandbox/output.js'
import { createProgress } from '../src/sandbox/progress.js'
import { runRepoAction } from '../src/sandbox/steps/run-action.js'
import { NAMES, type World } from '../src/sandbox/world.js'
import type { JobState, SandboxStep } from '../src/sandbox/step.js'
import type { Scenario, StepId } from '../src/sandbox/scenarios.js'

let root: string

// One action whose behaviour the step picks with its `mode` input.
const ACTION = `
const fs = require('node:fs')
const mode = process.env.INPUT_MODE
const out = (k, v) => fs.appendFileSync(process.env.GITHUB_OUTPUT, k + '=' + v + '\\n')
fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, '### step ' + mode + '\\nseen=' + (process.env.FROM_FIRST || 'none') + '\\n')
if (mode === 'export') { fs.appendFileSync(process.env.GITHUB_ENV, 'FROM_FIRST=hello\\n'); out('answer', '42') }
if (mode === 'fail') { console.log('::error::the gate failed: XID 79'); out('rolled-back', 'true'); process.exit(1) }
if (mode === 'leak') { console.log('::add-mask::s3cr3t-value'); console.log('oops s3cr3t-value') }
`

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gpuship-sandbox-pipeline-'))
  const dir = join(root, 'actions', 'probe')
  mkdirSync(join(dir, 'dist'), { recursive: true })
  writeFileSync(join(dir, 'action.yml'), 'name: probe\ndescription: probe action\ninputs:\n  mode:\n    description: what to do\nruns:\n  using: node24\n  main: dist/index.js\n')
  writeFileSync(join(dir, 'dist', 'index.js'), ACTION)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

function step(id: StepId, mode: string, action = 'probe', extra: Partial<SandboxStep> = {}): SandboxStep {
  return {
    id,
    action,
    title: id,
    after: [],
    needs: [],
    async run(job) {
      const result = await runRepoAction(job, action, { inputs: { mode } })
      return { result, note: `${mode} exit ${result.exitCode}` }
    },
    ...extra
  }
}

function job(steps: StepId[], failsAt?: StepId): { job: JobState; lines: string[]; outDir: string } {
  const lines: string[] = []
  const progress = createProgress((t) => lines.push(t))
  const piece = { available: true, describe: [] }
  const world: World = { pieces: { oidc: piece, aws: piece, github: piece, kube: piece, registry: piece, terraform: piece }, dir: root, names: NAMES, close: async () => {} }
  const scenario: Scenario = { name: failsAt ? 'xid' : 'healthy', story: 'test', steps, failsAt }
  const ws = join(root, `ws-${Math.random().toString(36).slice(2)}`)
  mkdirSync(ws)
  return { job: { repoRoot: root, scenario, world, env: {}, path: [], outputs: {}, workspace: ws, progress, secrets: [] }, lines, outDir: join(ws, 'out') }
}

describe('runPipeline', () => {
  test('exported env and outputs reach later steps; summaries and logs are written', async () => {
    const { job: j, outDir } = job(['oidc', 'plan'])
    const out = createOutputFolder(outDir)
    const r = await runPipeline(j, { oidc: step('oidc', 'export'), plan: step('plan', 'read') } as Record<StepId, SandboxStep>, out, j.progress)
    expect(r.records.map((x) => x.status)).toEqual(['passed', 'passed'])
    expect(j.outputs.oidc).toEqual({ answer: '42' })
    expect(readFileSync(join(outDir, 'steps', '02-plan.md'), 'utf8')).toContain('seen=hello')
    expect(readFileSync(join(outDir, 'summary.md'), 'utf8')).toMatch(/step export[\s\S]*step read/)
    expect(existsSync(join(outDir, 'logs', '01-oidc.log'))).toBe(true)
    expect(r.verdict.ok).toBe(true)
  })

  test('a failed step skips the rest, an on-failure step still runs, and the story is judged', async () => {
    const { job: j, lines, outDir } = job(['oidc', 'rollout', 'image', 'doctor'], 'rollout')
    const steps = { oidc: step('oidc', 'export'), rollout: step('rollout', 'fail'), image: step('image', 'read'), doctor: step('doctor', 'read', 'probe', { onFailure: true }) }
    const r = await runPipeline(j, steps as unknown as Record<StepId, SandboxStep>, createOutputFolder(outDir), j.progress)
    expect(r.records.map((x) => `${x.id}:${x.status}`)).toEqual(['oidc:passed', 'rollout:failed', 'image:skipped', 'doctor:passed'])
    expect(r.records[1].result?.errors).toEqual(['the gate failed: XID 79'])
    expect(lines.join('')).toContain('[skip] 3/4 image')
  })

  test('an action missing from the build is "not available in this build" and the story is not verified', async () => {
    const { job: j, lines, outDir } = job(['oidc', 'plan'])
    const r = await runPipeline(j, { oidc: step('oidc', 'export'), plan: step('plan', 'read', 'terraform-plan') } as Record<StepId, SandboxStep>, createOutputFolder(outDir), j.progress)
    expect(r.records[1].status).toBe('unavailable')
    expect(lines.join('')).toContain('step plan: not available in this build (actions/terraform-plan/action.yml is not in this build)')
    expect(r.verdict).toMatchObject({ ok: false, incomplete: true })
  })

  test('a world piece that is missing makes its steps unavailable, naming the piece', async () => {
    const { job: j, lines, outDir } = job(['oidc'])
    j.world.pieces.kube = { available: false, reason: 'testkit/kube exports no Kubernetes API simulator yet', describe: [] }
    await runPipeline(j, { oidc: step('oidc', 'export', 'probe', { needs: ['kube'] }) } as Record<StepId, SandboxStep>, createOutputFolder(outDir), j.progress)
    expect(lines.join('')).toContain('step oidc: not available in this build (testkit/kube exports no Kubernetes API simulator yet)')
  })

  test('a masked value printed in the log fails the step as a leak', async () => {
    const { job: j, outDir } = job(['oidc'])
    const r = await runPipeline(j, { oidc: step('oidc', 'leak') } as Record<StepId, SandboxStep>, createOutputFolder(outDir), j.progress)
    expect(r.records[0].status).toBe('failed')
    expect(r.records[0].note).toContain('LEAK of a secret in stdout')
  })
})
