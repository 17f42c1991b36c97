import { resolve } from 'node:path'
import { GpushipError } from '@gpuship/core'
import { parseArgs } from '../command.js'
import { SCENARIOS, SCENARIO_NAMES, type ScenarioName } from './scenarios.js'

export type RegistryChoice = 'auto' | 'real' | 'in-process'

export interface SandboxOptions {
  scenario: ScenarioName
  out: string
  serve: boolean
  registry: RegistryChoice
  /** Print each action's own log after its step. */
  verbose: boolean
  /** Install missing Debian packages (buildah, docker-registry) when running as root on Debian. */
  install: boolean
}

const SPEC = {
  scenario: { type: 'string', default: 'healthy' },
  out: { type: 'string', default: './sandbox-out' },
  serve: { type: 'boolean', default: false },
  registry: { type: 'string', default: 'auto' },
  verbose: { type: 'boolean', default: false },
  install: { type: 'boolean', default: true }
} as const

export function parseSandboxArgs(argv: string[], cwd: string): SandboxOptions {
  const { flags, positionals } = parseArgs(argv, SPEC, 'sandbox')
  if (positionals.length) {
    throw new GpushipError(`Unexpected argument '${positionals[0]}' for "gpuship sandbox".`, { input: positionals[0], hint: 'Scenarios are chosen with --scenario <name>. Run "gpuship sandbox --help".' })
  }
  const scenario = String(flags.scenario)
  if (!(scenario in SCENARIOS)) {
    throw new GpushipError(`Unknown scenario '${scenario}'.`, { input: '--scenario', hint: `Expected one of: ${SCENARIO_NAMES.join(', ')}.` })
  }
  const registry = String(flags.registry)
  if (!['auto', 'real', 'in-process'].includes(registry)) {
    throw new GpushipError(`Invalid --registry '${registry}'.`, { input: '--registry', hint: 'Expected auto (real docker-registry + buildah when present), real, or in-process.' })
  }
  const out = String(flags.out)
  if (!out.trim()) throw new GpushipError('--out is empty.', { input: '--out', hint: 'Give a folder, e.g. --out ./sandbox-out.' })
  return {
    scenario: scenario as ScenarioName,
    out: resolve(cwd, out),
    serve: flags.serve === true,
    registry: registry as RegistryChoice,
    verbose: flags.verbose === true,
    install: flags.install !== false
  }
}

export function sandboxHelp(): string {
  const width = Math.max(...SCENARIO_NAMES.map((n) => n.length))
  return [
    'Usage: gpuship sandbox [--scenario <name>] [--out <dir>] [--serve] [--registry auto|real|in-process] [--verbose]',
    '',
    'Runs the main job locally, step by step as a workflow would, with the real action bundles',
    '(actions/*/dist) against loopback simulators of GitHub (OIDC issuer, REST API), AWS (STS, EKS,',
    'ECR), Kubernetes (Triton and DCGM behind the pods) and an OCI registry:',
    '  OIDC -> terraform-plan (PR comment) -> terraform-apply -> ecr-build-push -> eks-kubeconfig -> triton-rollout + gates',
    '',
    'Flags:',
    '  --scenario <name>   story to play (default healthy):',
    ...SCENARIO_NAMES.map((n) => `                        ${n.padEnd(width)}  ${SCENARIOS[n].story}`),
    '  --out <dir>         where job summaries, the PR comment, logs and result.json go (default ./sandbox-out)',
    '  --serve             keep the simulated cluster, AWS and GitHub up afterwards; prints a kubeconfig and the endpoints',
    '  --registry <how>    auto (default): docker-registry + buildah when present (installed via apt when root on Debian),',
    '                      else the in-process OCI writer pushing over the registry protocol; real; in-process',
    '  --install=false     never run apt-get, even as root',
    '  --verbose           print each action\'s own log after its step',
    '',
    'Exit status: 0 when the scenario ended as its story expects (a failure scenario passes when the',
    'failure was caught as designed), 1 when it did not or a step could not run, 2 for bad flags.',
    '',
    'Example: gpuship sandbox --scenario xid --out /tmp/xid'
  ].join('\n')
}
