import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { Logger } from '@gpuship/core'
import { silentLogger } from '@gpuship/core'
import { explainFailure, type TerraformError } from './tf-errors.js'

/**
 * Runs terraform the way CI should: never prompting (-input=false, TF_INPUT=0), waiting for
 * locks only as long as asked, and writing terraform's raw output to the log between
 * ::stop-commands:: markers so a resource name cannot issue a workflow command.
 */
export interface ExecResult {
  exitCode: number
  stdout: string
  stderr: string
}

/** The slice of @actions/exec the runner needs; tests substitute it. */
export type ExecFn = (tool: string, args: string[], opts: { cwd: string; env: Record<string, string>; onOutput: (chunk: string) => void }) => Promise<ExecResult>

export interface RunnerOptions {
  binary?: string
  workingDirectory: string
  env?: Record<string, string>
  log?: Logger
  /** Where raw terraform output goes (the job log); default process.stdout. */
  write?: (text: string) => void
  exec?: ExecFn
  now?: () => number
}

export interface PlanOptions {
  out: string
  varFiles?: string[]
  /** HCL assignments (`name = "value"` lines), written to a var file so values never reach argv. */
  variables?: string
  lockTimeout?: string
  parallelism?: number
  destroy?: boolean
  refreshOnly?: boolean
  targets?: string[]
}

export interface PlanRun extends ExecResult {
  /** From -detailed-exitcode: exit 2. */
  changes: boolean
}

export interface TerraformRunner {
  readonly binary: string
  readonly workingDirectory: string
  version(): Promise<string>
  init(opts?: { backendConfig?: string[]; lockTimeout?: string; upgrade?: boolean }): Promise<ExecResult>
  selectWorkspace(name: string): Promise<ExecResult>
  plan(opts: PlanOptions): Promise<PlanRun>
  showJson(planFile: string): Promise<string>
  apply(planFile: string, opts?: { lockTimeout?: string; parallelism?: number }): Promise<ExecResult>
  forceUnlock(lockId: string): Promise<ExecResult>
}

async function actionsExec(tool: string, args: string[], opts: { cwd: string; env: Record<string, string>; onOutput: (chunk: string) => void }): Promise<ExecResult> {
  const { getExecOutput } = await import('@actions/exec')
  const res = await getExecOutput(tool, args, {
    cwd: opts.cwd,
    env: opts.env,
    silent: true,
    ignoreReturnCode: true,
    listeners: { stdout: (b: Buffer) => opts.onOutput(b.toString('utf8')), stderr: (b: Buffer) => opts.onOutput(b.toString('utf8')) }
  })
  return { exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr }
}

class Runner implements TerraformRunner {
  readonly binary: string
  readonly workingDirectory: string
  private readonly log: Logger
  private readonly write: (t: string) => void
  private readonly exec: ExecFn
  private readonly env: Record<string, string>
  private readonly now: () => number

  constructor(o: RunnerOptions) {
    this.binary = o.binary ?? 'terraform'
    this.workingDirectory = o.workingDirectory
    this.log = o.log ?? silentLogger
    this.write = o.write ?? ((t) => void process.stdout.write(t))
    this.exec = o.exec ?? actionsExec
    this.now = o.now ?? Date.now
    const base: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) base[k] = v
    this.env = { ...base, TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...o.env }
  }

  private async run(args: string[], quiet = false): Promise<ExecResult> {
    this.log.info(`$ terraform ${args.join(' ')}`)
    // Streamed between one pair of markers so a long apply shows progress and still cannot issue commands.
    const token = randomBytes(16).toString('hex')
    if (!quiet) this.write(`::stop-commands::${token}\n`)
    let last = '\n'
    const res = await this.exec(this.binary, args, {
      cwd: this.workingDirectory,
      env: this.env,
      onOutput: (c) => {
        if (quiet || !c) return
        this.write(c)
        last = c
      }
    })
    if (!quiet) this.write(`${last.endsWith('\n') ? '' : '\n'}::${token}::\n`)
    return res
  }

  private fail(step: 'init' | 'plan' | 'apply', res: ExecResult): TerraformError {
    return explainFailure(`${res.stderr}\n${res.stdout}`, step, this.workingDirectory, this.now())
  }

  async version(): Promise<string> {
    const res = await this.run(['version', '-json'], true)
    try {
      return String((JSON.parse(res.stdout) as { terraform_version: string }).terraform_version)
    } catch {
      return /Terraform v(\S+)/.exec(res.stdout)?.[1] ?? 'unknown'
    }
  }

  async init(opts: { backendConfig?: string[]; lockTimeout?: string; upgrade?: boolean } = {}): Promise<ExecResult> {
    const args = ['init', '-input=false', '-no-color']
    if (opts.lockTimeout) args.push(`-lock-timeout=${opts.lockTimeout}`)
    for (const b of opts.backendConfig ?? []) args.push(`-backend-config=${b}`)
    if (opts.upgrade) args.push('-upgrade')
    const res = await this.run(args)
    if (res.exitCode !== 0) throw this.fail('init', res)
    return res
  }

  async selectWorkspace(name: string): Promise<ExecResult> {
    const res = await this.run(['workspace', 'select', '-or-create=true', name])
    if (res.exitCode !== 0) throw this.fail('init', res)
    return res
  }

  private varFileArgs(o: { varFiles?: string[]; variables?: string }): string[] {
    const args = (o.varFiles ?? []).map((f) => `-var-file=${f}`)
    if (o.variables?.trim()) {
      const file = join(process.env.RUNNER_TEMP || tmpdir(), `gpuship-${randomBytes(6).toString('hex')}.tfvars`)
      writeFileSync(file, `${o.variables.trim()}\n`, { mode: 0o600 })
      args.push(`-var-file=${file}`)
    }
    return args
  }

  async plan(o: PlanOptions): Promise<PlanRun> {
    const args = ['plan', '-input=false', '-no-color', '-detailed-exitcode', `-out=${o.out}`, `-lock-timeout=${o.lockTimeout ?? '300s'}`]
    if (o.parallelism) args.push(`-parallelism=${o.parallelism}`)
    if (o.destroy) args.push('-destroy')
    if (o.refreshOnly) args.push('-refresh-only')
    for (const t of o.targets ?? []) args.push(`-target=${t}`)
    args.push(...this.varFileArgs(o))
    const res = await this.run(args)
    if (res.exitCode !== 0 && res.exitCode !== 2) throw this.fail('plan', res)
    return { ...res, changes: res.exitCode === 2 }
  }

  async showJson(planFile: string): Promise<string> {
    const res = await this.run(['show', '-json', '-no-color', planFile], true)
    if (res.exitCode !== 0) {
      this.write(res.stderr)
      throw this.fail('plan', res)
    }
    return res.stdout
  }

  async apply(planFile: string, o: { lockTimeout?: string; parallelism?: number } = {}): Promise<ExecResult> {
    const args = ['apply', '-input=false', '-no-color', `-lock-timeout=${o.lockTimeout ?? '300s'}`]
    if (o.parallelism) args.push(`-parallelism=${o.parallelism}`)
    args.push(planFile)
    const res = await this.run(args)
    if (res.exitCode !== 0) throw this.fail('apply', res)
    return res
  }

  async forceUnlock(lockId: string): Promise<ExecResult> {
    const res = await this.run(['force-unlock', '-force', lockId])
    if (res.exitCode !== 0) throw this.fail('apply', res)
    return res
  }
}

export function createTerraformRunner(o: RunnerOptions): TerraformRunner {
  return new Runner(o)
}

