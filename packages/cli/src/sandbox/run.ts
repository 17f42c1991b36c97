/**
 * `gpuship sandbox`: start the world, play the scenario's steps with the real action bundles,
 * write what a person would read to --out, judge the story, and optionally keep the world up.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { CommandIO } from '../command.js'
import type { SandboxOptions } from './options.js'
import { SCENARIOS } from './scenarios.js'
import { createProgress } from './progress.js'
import { createOutputFolder } from './output.js'
import { runPipeline } from './pipeline.js'
import { STEPS } from './steps/index.js'
import { startWorld } from './world/start.js'
import { prepareWorkspace } from './workspace.js'
import type { JobState } from './step.js'
import type { World } from './world.js'
import type { AwsHandle } from './world/identity.js'
import type { GithubHandle } from './world/github.js'

/** The repository root (the action bundles live in <root>/actions/<name>/dist). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..')

export interface SandboxRun {
  exitCode: number
  world?: World
}

export async function runSandbox(opts: SandboxOptions, io: CommandIO, hooks: { waitForStop?: () => Promise<void>; repoRoot?: string } = {}): Promise<number> {
  const repoRoot = hooks.repoRoot ?? REPO_ROOT
  const scenario = SCENARIOS[opts.scenario]
  const progress = createProgress((t) => io.stdout.write(t))
  mkdirSync(opts.out, { recursive: true })
  const out = createOutputFolder(opts.out)
  progress.line(`gpuship sandbox: scenario ${scenario.name}: ${scenario.story}`)
  progress.line(`  output: ${opts.out}`)
  const world = await startWorld({ scenario, registry: opts.registry, install: opts.install, log: progress.line, dir: opts.out })
  try {
    progress.line('  world:')
    for (const [name, piece] of Object.entries(world.pieces)) {
      if (piece.available) for (const d of piece.describe) progress.line(`    ${d}`)
      else progress.line(`    ${name.padEnd(20)} not available in this build: ${piece.reason}`)
    }
    const reg = world.pieces.registry.handle as { path?: string } | undefined
    progress.line(`  image path: ${reg?.path === 'real' ? 'real docker-registry + buildah' : reg?.path === 'in-process' ? 'in-process OCI writer + registry-protocol push' : 'none (no registry available)'}`)
    progress.line(`  steps (${scenario.steps.length}):`)

    const job: JobState = {
      repoRoot,
      scenario,
      world,
      env: {},
      path: [],
      outputs: {},
      workspace: prepareWorkspace(repoRoot, world.dir),
      progress,
      secrets: [],
      verbose: opts.verbose
    }
    const { records, verdict } = await runPipeline(job, STEPS, out, progress)
    const comment = [...records].reverse().find((r) => r.comment)?.comment
    if (comment) out.writeComment(comment)
    out.finish({
      scenario: scenario.name,
      story: scenario.story,
      registry: reg?.path ?? 'none',
      verdict,
      // Sticky: plan and apply share one comment on the pull request, updated in place.
      pullRequestComments: (world.pieces.github.handle as GithubHandle | undefined)?.comments().length ?? 0,
      steps: records.map(({ result: _r, log: _l, summary: _s, comment: _c, ...rest }) => rest)
    })
    progress.line('')
    progress.line(`${verdict.ok ? 'PASS' : verdict.incomplete ? 'INCOMPLETE' : 'FAIL'}: ${verdict.message}`)
    progress.line(`  summaries: ${join(opts.out, 'summary.md')}${comment ? `  PR comment: ${join(opts.out, 'pr-comment.md')}` : ''}  result: ${join(opts.out, 'result.json')}`)

    if (opts.serve) await serve(world, opts, io, hooks.waitForStop)
    return verdict.ok ? 0 : 1
  } finally {
    await world.close()
  }
}

async function serve(world: World, opts: SandboxOptions, io: CommandIO, waitForStop?: () => Promise<void>): Promise<void> {
  const lines = ['', 'Serving (Ctrl-C to stop):']
  for (const piece of Object.values(world.pieces)) if (piece.available) lines.push(...piece.describe.map((d: string) => `  ${d}`))
  const kube = world.pieces.kube.handle as { kubeconfigPath?: string } | undefined
  if (kube?.kubeconfigPath) {
    const path = join(opts.out, 'kubeconfig')
    writeFileSync(path, (await import('node:fs')).readFileSync(kube.kubeconfigPath))
    lines.push(`  kubeconfig: ${path}`, `    KUBECONFIG=${path} kubectl get nodes,pods -A`)
  } else lines.push('  kubeconfig: none (the Kubernetes simulator is not in this build)')
  const aws = world.pieces.aws.handle as AwsHandle | undefined
  if (aws) {
    // A user of the simulated account for awscli; throwaway keys that only this simulator knows.
    const user = aws.sim.createUser({ account: world.names.account, name: 'sandbox-operator' })
    const envFile = join(opts.out, 'aws.env')
    const env = { ...aws.sim.env(user, world.names.region) }
    writeFileSync(envFile, `${Object.entries(env).map(([k, v]) => `export ${k}=${v}`).join('\n')}\n`, { mode: 0o600 })
    lines.push(`  AWS credentials: ${envFile}`, `    . ${envFile} && aws eks describe-cluster --name ${world.names.cluster}`)
  }
  const gh = world.pieces.github.handle as GithubHandle | undefined
  if (gh) lines.push(`  GitHub: curl -s -H 'Authorization: Bearer ${gh.token}' ${gh.env.GITHUB_API_URL}/repos/${world.names.repository}/issues/${world.names.pullNumber}/comments`)
  io.stdout.write(`${lines.join('\n')}\n`)
  await (waitForStop ?? untilSignal)()
}

function untilSignal(): Promise<void> {
  return new Promise((resolveStop) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolveStop()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}
