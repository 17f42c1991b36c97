import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { parseFileCommands, parseWorkflowCommands, type WorkflowCommand } from './workflow-commands.js'

export type Step = 'pre' | 'main' | 'post'

export interface RunOptions {
  /** Folder with action.yml and dist/. */
  actionDir: string
  inputs?: Record<string, string>
  /** Extra environment (OIDC request URL, endpoints, …). */
  env?: Record<string, string>
  eventName?: string
  event?: unknown
  repository?: string
  step?: Step
  /** State from an earlier step (STATE_* for post). */
  state?: Record<string, string>
  workspace?: string
  timeoutMs?: number
  /** Node binary; Node 24 from the npm package `node@24` can be named here. */
  nodePath?: string
  /** Values the test knows are secret even if the action never masked them. */
  secrets?: string[]
  /** Outputs allowed to carry secrets (e.g. output-credentials: true). */
  secretOutputs?: string[]
}

export interface Leak {
  value: string
  where: string
}

export interface ActionResult {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  env: Record<string, string>
  state: Record<string, string>
  path: string[]
  summary: string
  commands: WorkflowCommand[]
  masks: string[]
  errors: string[]
  warnings: string[]
  leaks: Leak[]
  durationMs: number
  runnerTemp: string
}

interface ActionYaml {
  inputs?: Record<string, { default?: unknown; required?: boolean }>
  runs: { using: string; main?: string; pre?: string; post?: string; 'pre-if'?: string; 'post-if'?: string }
}

/** The runner's input name mangling: spaces to underscores, upper-cased; hyphens stay. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

export function readActionYaml(actionDir: string): ActionYaml {
  const file = existsSync(join(actionDir, 'action.yml')) ? join(actionDir, 'action.yml') : join(actionDir, 'action.yaml')
  return parseYaml(readFileSync(file, 'utf8')) as ActionYaml
}

export async function runAction(opts: RunOptions): Promise<ActionResult> {
  const actionDir = resolve(opts.actionDir)
  const meta = readActionYaml(actionDir)
  const step = opts.step ?? 'main'
  if (!/^node\d+$/.test(meta.runs.using)) throw new Error(`runAction runs JavaScript actions; ${actionDir} uses '${meta.runs.using}'`)
  const entry = meta.runs[step]
  if (!entry) throw new Error(`${actionDir}/action.yml has no runs.${step}`)

  const temp = mkdtempSync(join(tmpdir(), 'gpuship-runner-'))
  const files = {
    GITHUB_OUTPUT: join(temp, 'output'),
    GITHUB_ENV: join(temp, 'env'),
    GITHUB_STATE: join(temp, 'state'),
    GITHUB_STEP_SUMMARY: join(temp, 'summary.md'),
    GITHUB_PATH: join(temp, 'path'),
    GITHUB_EVENT_PATH: join(temp, 'event.json')
  }
  for (const f of Object.values(files)) writeFileSync(f, '')
  writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(opts.event ?? {}))
  const runnerTemp = join(temp, 'runner-temp')
  mkdirSync(runnerTemp)
  const workspace = opts.workspace ?? join(temp, 'workspace')
  mkdirSync(workspace, { recursive: true })

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? temp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: opts.repository ?? 'octo-org/inference',
    GITHUB_REPOSITORY_OWNER: (opts.repository ?? 'octo-org/inference').split('/')[0],
    GITHUB_EVENT_NAME: opts.eventName ?? 'push',
    GITHUB_SHA: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'deploy',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKSPACE: workspace,
    GITHUB_ACTION_PATH: actionDir,
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    ...files,
    ...opts.env
  }
  for (const [name, def] of Object.entries(meta.inputs ?? {})) {
    if (def.default !== undefined) env[inputEnvName(name)] = String(def.default)
  }
  for (const [name, value] of Object.entries(opts.inputs ?? {})) env[inputEnvName(name)] = value
  for (const [name, value] of Object.entries(opts.state ?? {})) env[`STATE_${name}`] = value

  const started = Date.now()
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((res, rej) => {
    const child = spawn(opts.nodePath ?? process.execPath, [join(actionDir, entry)], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let so = ''
    let se = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (so += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (se += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000)
    child.on('error', rej)
    child.on('close', (c, signal) => {
      clearTimeout(timer)
      res({ code: c ?? (signal ? 128 : 1), stdout: so, stderr: se })
    })
  })
  const durationMs = Date.now() - started

  const outputs = parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'))
  const exported = parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8'))
  const state = parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8'))
  const path = readFileSync(files.GITHUB_PATH, 'utf8').split('\n').filter(Boolean)
  const summary = readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  const commands = parseWorkflowCommands(stdout)
  const masks = commands.filter((c) => c.command === 'add-mask').map((c) => c.data)
  const result: ActionResult = {
    exitCode: code,
    stdout,
    stderr,
    outputs,
    env: exported,
    state,
    path,
    summary,
    commands,
    masks,
    errors: commands.filter((c) => c.command === 'error').map((c) => c.data),
    warnings: commands.filter((c) => c.command === 'warning').map((c) => c.data),
    leaks: [],
    durationMs,
    runnerTemp
  }
  result.leaks = findLeaks(result, [...masks, ...(opts.secrets ?? [])], opts.secretOutputs ?? [])
  return result
}

/**
 * A masked value is leaked when it appears anywhere a person or another job can read it:
 * the log (apart from the ::add-mask:: line that registers it), the summary, or an output
 * not named as a secret output. GITHUB_ENV is the one place secrets belong.
 */
export function findLeaks(r: Pick<ActionResult, 'stdout' | 'stderr' | 'summary' | 'outputs' | 'state'>, secrets: string[], secretOutputs: string[] = []): Leak[] {
  const leaks: Leak[] = []
  const values = [...new Set(secrets.filter((s) => s && s.length >= 4))]
  const log = r.stdout
    .split(/\r?\n/)
    .filter((l) => !l.trimStart().startsWith('::add-mask::'))
    .join('\n')
  for (const v of values) {
    if (log.includes(v)) leaks.push({ value: v, where: 'stdout' })
    if (r.stderr.includes(v)) leaks.push({ value: v, where: 'stderr' })
    if (r.summary.includes(v)) leaks.push({ value: v, where: 'summary' })
    for (const [name, out] of Object.entries(r.outputs)) {
      if (!secretOutputs.includes(name) && out.includes(v)) leaks.push({ value: v, where: `output ${name}` })
    }
    for (const [name, st] of Object.entries(r.state)) if (st.includes(v)) leaks.push({ value: v, where: `state ${name}` })
  }
  return leaks
}

/** Runs pre (if any), main and post (if any) the way a job does, passing state and env along. */
export async function runSteps(opts: Omit<RunOptions, 'step'>): Promise<{ pre?: ActionResult; main: ActionResult; post?: ActionResult }> {
  const meta = readActionYaml(opts.actionDir)
  let env = { ...opts.env }
  let pre: ActionResult | undefined
  if (meta.runs.pre) {
    pre = await runAction({ ...opts, env, step: 'pre' })
    env = { ...env, ...pre.env }
  }
  const main = await runAction({ ...opts, env, step: 'main', state: { ...pre?.state } })
  let post: ActionResult | undefined
  if (meta.runs.post) {
    post = await runAction({ ...opts, env: { ...env, ...main.env }, step: 'post', state: { ...pre?.state, ...main.state } })
  }
  return { pre, main, post }
}
