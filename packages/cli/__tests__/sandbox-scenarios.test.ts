// `gpuship sandbox` end to end: the real world pieces (simulators, real registry when present)
// and the real action bundles. A scenario whose actions are not in this build is skipped with the
// reason in its name; one that runs must end as its story says.
import { describe, test, expect } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { execFile, spawnSync } from 'node:child_process'
import { promisify } from 'node:util'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { runSandbox, REPO_ROOT } from '../src/sandbox/run.js'
import { parseSandboxArgs } from '../src/sandbox/options.js'
import { SCENARIOS, type ScenarioName } from '../src/sandbox/scenarios.js'
import { STEPS } from '../src/sandbox/steps/index.js'

// Building a missing bundle with ncc and a buildah build can take a while on a shared 2-core machine.
const SLOW = 600_000
const execFileP = promisify(execFile)

function capture() {
  let text = ''
  const w = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) })
  return { io: { stdout: w, stderr: w, env: {}, cwd: '/tmp' }, text: () => text }
}

/** Why a scenario cannot be played in this build (an action it needs has no sources), or undefined. */
function missing(name: ScenarioName): string | undefined {
  const sc = SCENARIOS[name]
  // Steps after the one that must fail are skipped by the job, so only those up to it (and an on-failure doctor) must exist.
  const upTo = sc.failsAt ? sc.steps.slice(0, sc.steps.indexOf(sc.failsAt) + 1).concat(sc.steps.filter((s) => STEPS[s].onFailure)) : sc.steps
  const has = (a: string, f: string) => existsSync(join(REPO_ROOT, 'actions', a, f))
  const gone = upTo.map((s) => STEPS[s].action).filter((a) => !has(a, 'action.yml') || !(has(a, 'dist/index.js') || (has(a, 'src/index.ts') && has(a, 'src/main.ts'))))
  return gone.length ? `not in this build: ${[...new Set(gone)].join(', ')}` : undefined
}

async function play(name: ScenarioName, extra: string[] = []) {
  const out = mkdtempSync(join(tmpdir(), `gpuship-sandbox-${name}-`))
  const c = capture()
  const code = await runSandbox(parseSandboxArgs(['--scenario', name, '--out', out, '--install=false', ...extra], '/tmp'), c.io)
  const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))
  return { code, out, text: c.text(), result, cleanup: () => rmSync(out, { recursive: true, force: true }) }
}

const stories: [ScenarioName, (r: Awaited<ReturnType<typeof play>>) => void][] = [
  ['healthy', (r) => {
    const comment = readFileSync(join(r.out, 'pr-comment.md'), 'utf8')
    expect(comment).toMatch(/Terraform plan/)
    expect(comment).toMatch(/Applied/)
    expect(r.result.pullRequestComments).toBe(1)
    expect(r.result.steps.map((s: { status: string }) => s.status)).toEqual(['passed', 'passed', 'passed', 'passed', 'passed', 'passed'])
  }],
  ['lock-held', (r) => expect(readFileSync(join(r.out, 'summary.md'), 'utf8') + r.text).toMatch(/force-unlock/)],
  ['plan-changed', (r) => expect(r.result.steps.find((s: { id: string }) => s.id === 'apply').status).toBe('failed')],
  ['gpu-capacity', (r) => expect(r.text).toMatch(/nvidia\.com\/gpu/)],
  ['xid', (r) => {
    const rollout = r.result.steps.find((s: { id: string }) => s.id === 'rollout')
    expect(rollout.outputs['rolled-back']).toBe('true')
    expect(r.text).toContain('setup: rolling out the previous release')
    expect(readFileSync(join(r.out, 'summary.md'), 'utf8')).toMatch(/XID 79/)
  }],
  ['nodes-not-joining', (r) => {
    const doctor = r.result.steps.find((s: { id: string }) => s.id === 'doctor')
    expect(Number(doctor.outputs['findings-count'])).toBeGreaterThan(0)
    expect(readFileSync(join(r.out, 'summary.md'), 'utf8')).toMatch(/instances-not-joined|access entry/)
  }],
  ['rebuild', (r) => {
    const teardowns = r.result.steps.filter((s: { id: string }) => s.id === 'teardown')
    expect(teardowns.map((t: { outputs: Record<string, string> }) => [t.outputs.outcome, t.outputs.leftovers])).toEqual([
      ['clean', '0'],
      ['clean', '0']
    ])
    expect(r.result.steps.filter((s: { id: string }) => s.id === 'rollout').map((s: { status: string }) => s.status)).toEqual(['passed', 'passed'])
  }],
  ['orphan', (r) => {
    const teardown = r.result.steps.find((s: { id: string }) => s.id === 'teardown')
    expect(teardown.status).toBe('failed')
    expect(teardown.outputs.outcome).toBe('failed')
    const summary = readFileSync(join(r.out, 'summary.md'), 'utf8')
    expect(summary).toContain('aws elbv2 delete-load-balancer --load-balancer-arn arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/k8s-monitoring-grafana/')
    // destroy never ran while the load balancer was there
    expect(summary).not.toMatch(/\| 3 \| terraform destroy \| done/)
  }]
]

describe('gpuship sandbox scenarios', () => {
  for (const [name, check] of stories) {
    const why = missing(name)
    ;(why ? test.skip : test)(`${name}: ${SCENARIOS[name].story}${why ? ` (${why})` : ''}`, async () => {
      const r = await play(name)
      try {
        expect({ code: r.code, verdict: r.result.verdict }).toEqual({ code: 0, verdict: expect.objectContaining({ ok: true }) })
        check(r)
        expect(readFileSync(join(r.out, 'summary.md'), 'utf8').length).toBeGreaterThan(0)
      } finally {
        r.cleanup()
      }
    }, SLOW)
  }

  ;(missing('healthy')?.includes('ecr-build-push') ? test.skip : test)('without a real registry the image is written in-process and pushed over the registry protocol, and the terminal says so', async () => {
    const r = await play('healthy', ['--registry', 'in-process'])
    try {
      expect(r.code).toBe(0)
      expect(r.result.registry).toBe('in-process')
      expect(r.text).toContain('image path: in-process OCI writer + registry-protocol push')
      const image = r.result.steps.find((s: { id: string }) => s.id === 'image')
      expect(image.status).toBe('passed')
      expect(image.note).toContain('ecr-build-push not run (no buildah/docker)')
      expect(image.outputs.image).toMatch(/^127\.0\.0\.1:\d+\/triton@sha256:[a-f0-9]{64}$/)
    } finally {
      r.cleanup()
    }
  }, SLOW)

  const kubectl = spawnSync('sh', ['-c', 'command -v kubectl']).status === 0
  ;(kubectl ? test : test.skip)('--serve keeps the cluster up: the printed kubeconfig works with the real kubectl', async () => {
    const out = mkdtempSync(join(tmpdir(), 'gpuship-sandbox-serve-'))
    const c = capture()
    let nodes = ''
    let cluster = ''
    try {
      // lock-held ends early (at the plan), and the world stays up all the same.
      const opts = parseSandboxArgs(['--scenario', 'lock-held', '--out', out, '--serve', '--install=false'], '/tmp')
      await runSandbox(opts, c.io, {
        waitForStop: async () => {
          // Asynchronously: the simulators answer from this process's event loop.
          const r = await execFileP('kubectl', ['--kubeconfig', join(out, 'kubeconfig'), 'get', 'nodes', '-o', 'name'], { encoding: 'utf8', timeout: 60_000 }).catch((e: { stdout?: string; stderr?: string }) => e)
          nodes = `${r.stdout ?? ''}${r.stderr ?? ''}`
          // The printed AWS environment works with the real awscli against the simulated EKS.
          const env = Object.fromEntries(readFileSync(join(out, 'aws.env'), 'utf8').trim().split('\n').map((l) => l.replace(/^export /, '').split(/=(.*)/s).slice(0, 2)))
          const a = await execFileP('aws', ['eks', 'describe-cluster', '--name', 'gpu-prod', '--query', 'cluster.status', '--output', 'text'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } }).catch((e: { stdout?: string; stderr?: string }) => e)
          cluster = `${a.stdout ?? ''}${a.stderr ?? ''}`
        }
      })
      expect(c.text()).toContain(`kubeconfig: ${join(out, 'kubeconfig')}`)
      expect(c.text()).toMatch(/Kubernetes API\s+https:\/\/127\.0\.0\.1:\d+/)
      if (spawnSync('sh', ['-c', 'command -v aws']).status === 0) expect(cluster.trim()).toBe('ACTIVE')
      expect(nodes).toMatch(/node\/ip-10-0-\d+-\d+\.ec2\.internal/)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, SLOW)
})
