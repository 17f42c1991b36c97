/**
 * One step of the sandbox job: one action run through the runner harness, the way a workflow
 * step runs it. Steps share a JobState, as the steps of one job share GITHUB_ENV, PATH and
 * `steps.<id>.outputs`.
 */
import type { ActionResult } from '@gpuship/testkit'
import type { Progress } from './progress.js'
import type { Scenario, StepId } from './scenarios.js'
import type { World } from './world.js'

export interface JobState {
  repoRoot: string
  scenario: Scenario
  world: World
  /** Variables exported through GITHUB_ENV by earlier steps. */
  env: Record<string, string>
  /** Folders added through GITHUB_PATH by earlier steps. */
  path: string[]
  /** `steps.<id>.outputs` of earlier steps. */
  outputs: Partial<Record<StepId, Record<string, string>>>
  /** The job's checkout (terraform root, model-server build context). */
  workspace: string
  progress: Progress
  /** Values the sandbox knows are secret; any of them in a log, summary or output is a leak. */
  secrets: string[]
  /** Print each action's own log (masked values replaced) after its step. */
  verbose?: boolean
}

export interface StepRun {
  result: ActionResult
  /** One line for the terminal: what happened, with the figure that matters. */
  note: string
  /** A markdown document this step contributes besides its summary (the PR comment). */
  comment?: string
}

export interface SandboxStep {
  id: StepId
  action: string
  title: string
  /** Steps whose outputs or exported env this one consumes. */
  after: StepId[]
  /** Runs even when an earlier step failed (a workflow's `if: failure()`), e.g. the doctor. */
  onFailure?: boolean
  /** World pieces this step needs; an absent piece makes the step unavailable, with its reason. */
  needs: (keyof World['pieces'])[]
  run(job: JobState): Promise<StepRun>
}
