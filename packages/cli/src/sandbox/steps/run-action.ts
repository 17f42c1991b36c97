/** Runs one action of this repository through testkit's runner harness with the job's state. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import type { ActionResult } from '@gpuship/testkit'
import type { JobState } from '../step.js'

export interface StepCall {
  inputs: Record<string, string>
  env?: Record<string, string>
  eventName?: string
  event?: unknown
  timeoutMs?: number
}

/** Input names the action declares (the sandbox passes e.g. github-token only where it exists). */
export function declaredInputs(job: JobState, action: string): string[] {
  const meta = parse(readFileSync(join(job.repoRoot, 'actions', action, 'action.yml'), 'utf8')) as { inputs?: Record<string, unknown> }
  return Object.keys(meta.inputs ?? {})
}

export async function runRepoAction(job: JobState, action: string, call: StepCall): Promise<ActionResult> {
  const { runSteps } = await import('@gpuship/testkit')
  const env = {
    ...job.env,
    ...call.env,
    PATH: [...job.path, call.env?.PATH ?? process.env.PATH ?? ''].filter(Boolean).join(':')
  }
  const { main, post } = await runSteps({
    actionDir: join(job.repoRoot, 'actions', action),
    inputs: call.inputs,
    env,
    eventName: call.eventName ?? 'push',
    event: call.event ?? {},
    repository: job.world.names.repository,
    workspace: job.workspace,
    secrets: job.secrets,
    timeoutMs: call.timeoutMs ?? 300_000
  })
  if (post && post.exitCode !== 0) {
    // A failed post step fails the job on GitHub too; surface it on the main result.
    return { ...main, exitCode: main.exitCode || post.exitCode, errors: [...main.errors, ...post.errors], stdout: `${main.stdout}${post.stdout}` }
  }
  return main
}

/** The first line of the step's first error annotation, for the one-line terminal note. */
export function firstError(result: ActionResult): string {
  const e = result.errors[0]
  return e ? e.split(/\r?\n/)[0] : `exit ${result.exitCode}`
}
