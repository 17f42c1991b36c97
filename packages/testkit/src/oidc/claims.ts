import { randomUUID } from 'node:crypto'

/** GitHub's real issuer: trust policies key their conditions on `token.actions.githubusercontent.com:*`. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

/** The context a workflow run gives its ID token (what GitHub derives the claims from). */
export interface RunContext {
  repository: string
  ref: string
  sha: string
  eventName: string
  environment?: string
  actor: string
  runId: string
  runNumber: string
  runAttempt: string
  workflow: string
  /** `octo-org/inference/.github/workflows/deploy.yml@refs/heads/main` (a reusable workflow's own ref when called). */
  jobWorkflowRef?: string
  headRef?: string
  baseRef?: string
  visibility: 'public' | 'private' | 'internal'
}

export const DEFAULT_CONTEXT: RunContext = {
  repository: 'octo-org/inference',
  ref: 'refs/heads/main',
  sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  eventName: 'push',
  actor: 'octocat',
  runId: '7001234567',
  runNumber: '42',
  runAttempt: '1',
  workflow: 'deploy',
  visibility: 'private'
}

/** `sub` as GitHub builds it by default: environment beats pull_request beats ref. */
export function subjectFor(ctx: Pick<RunContext, 'repository' | 'ref' | 'eventName' | 'environment'>): string {
  if (ctx.environment) return `repo:${ctx.repository}:environment:${ctx.environment}`
  if (ctx.eventName === 'pull_request' || ctx.eventName === 'pull_request_target') return `repo:${ctx.repository}:pull_request`
  return `repo:${ctx.repository}:ref:${ctx.ref}`
}

export type GithubClaims = Record<string, string | number | boolean | undefined>

/** Every claim GitHub puts in an Actions ID token, for one run context and audience. */
export function githubClaims(ctx: RunContext, audience: string, issuer = GITHUB_ISSUER): GithubClaims {
  const owner = ctx.repository.split('/')[0]
  const workflowRef = `${ctx.repository}/.github/workflows/${ctx.workflow}.yml@${ctx.ref}`
  return {
    jti: randomUUID(),
    sub: subjectFor(ctx),
    aud: audience,
    ref: ctx.ref,
    sha: ctx.sha,
    repository: ctx.repository,
    repository_owner: owner,
    repository_owner_id: '9919',
    repository_id: '612345678',
    repository_visibility: ctx.visibility,
    run_id: ctx.runId,
    run_number: ctx.runNumber,
    run_attempt: ctx.runAttempt,
    actor: ctx.actor,
    actor_id: '583231',
    workflow: ctx.workflow,
    workflow_ref: workflowRef,
    workflow_sha: ctx.sha,
    head_ref: ctx.headRef ?? '',
    base_ref: ctx.baseRef ?? '',
    event_name: ctx.eventName,
    ref_type: ctx.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    ref_protected: ctx.ref === 'refs/heads/main' ? 'true' : 'false',
    environment: ctx.environment,
    job_workflow_ref: ctx.jobWorkflowRef ?? workflowRef,
    job_workflow_sha: ctx.sha,
    runner_environment: 'github-hosted',
    iss: issuer
  }
}
