import { createHash } from 'node:crypto'
import { GpushipError, hiddenMarker, readMarker } from '@gpuship/core'
import type { ChangeMap } from './plan-compare.js'
import type { PlanCounts } from './plan-summary.js'
import { githubError, type GitHub } from './github-client.js'

/**
 * One sticky comment per pull request and root. The key is explicit — label, working
 * directory, workspace and a fingerprint of the backend configuration — so matrix jobs over
 * several roots never overwrite each other, and when apply cannot find the reviewed plan it
 * can say which part of the key differed.
 */
export interface CommentKey {
  label: string
  dir: string
  workspace: string
  backend: string
}

export interface PlanMarker {
  v: 1
  key: CommentKey
  hash: string
  status: 'planned' | 'no-changes' | 'plan-failed' | 'applied' | 'apply-failed' | 'refused'
  counts?: Partial<PlanCounts>
  changes?: ChangeMap
  run?: string
  sha?: string
}

export const PLAN_MARKER = 'terraform-plan'

export interface IssueTarget {
  owner: string
  repo: string
  issue: number
}

export interface SeenComment {
  id: number
  url?: string
  body: string
  author?: string
  marker?: PlanMarker
}

/** Backend settings identify the state; the fingerprint is a digest so values (bucket names, keys) are not published. */
export function backendFingerprint(backendConfig: string[], backendFileContents: string[] = []): string {
  if (!backendConfig.length && !backendFileContents.length) return 'default'
  return createHash('sha256').update(JSON.stringify([[...backendConfig].sort(), backendFileContents])).digest('hex').slice(0, 16)
}

export function normaliseDir(dir: string): string {
  const d = dir.replace(/\\/g, '/').replace(/\/+$/, '').replace(/^\.\//, '')
  return d === '' ? '.' : d
}

export function markerText(m: PlanMarker): string {
  return hiddenMarker(PLAN_MARKER, m)
}

export function readPlanMarker(body: string): PlanMarker | undefined {
  const m = readMarker(body, PLAN_MARKER) as PlanMarker | undefined
  return m && m.v === 1 && m.key && typeof m.hash === 'string' ? m : undefined
}

function sameKey(a: CommentKey, b: CommentKey): boolean {
  return a.label === b.label && a.dir === b.dir && a.workspace === b.workspace && a.backend === b.backend
}

export async function listComments(gh: GitHub, t: IssueTarget): Promise<SeenComment[]> {
  try {
    const all = await gh.paginate(gh.rest.issues.listComments, { owner: t.owner, repo: t.repo, issue_number: t.issue, per_page: 100 })
    return all.map((c) => ({ id: c.id, url: c.html_url, body: c.body ?? '', author: c.user?.login, marker: readPlanMarker(c.body ?? '') }))
  } catch (e) {
    throw githubError(e, `list the comments of #${t.issue}`)
  }
}

/** What differs between the key asked for and a key seen, in words ("label 'prod' ≠ 'staging'"). */
export function keyDifferences(want: CommentKey, seen: CommentKey): string[] {
  const out: string[] = []
  for (const k of ['label', 'dir', 'workspace', 'backend'] as const) if (want[k] !== seen[k]) out.push(`${k === 'dir' ? 'working-directory' : k === 'backend' ? 'backend fingerprint' : k} '${seen[k]}' (this run: '${want[k]}')`)
  return out
}

/** Finds the plan comment for `key`, or fails naming the key part that differed in each comment seen. */
export function findPlanComment(comments: SeenComment[], key: CommentKey, t: IssueTarget, trustedAuthor?: string): SeenComment {
  // Anyone can comment on a pull request: a marker in someone else's comment is not a review record.
  const trusted = trustedAuthor ? comments.filter((c) => c.author === trustedAuthor) : comments
  const matches = trusted.filter((c) => c.marker && sameKey(c.marker.key, key))
  if (matches.length) return matches[matches.length - 1]
  const ignored = comments.filter((c) => c.marker && !trusted.includes(c))
  const withMarker = trusted.filter((c) => c.marker)
  const lines = withMarker.map((c) => `  comment ${c.id}${c.author ? ` by ${c.author}` : ''}: ${keyDifferences(key, c.marker!.key).join(', ')}`)
  throw new GpushipError(
    `No reviewed plan found on pull request #${t.issue} for label '${key.label}', working-directory '${key.dir}', workspace '${key.workspace}', backend fingerprint '${key.backend}'. Saw ${comments.length} comment(s), ${withMarker.length} with a gpuship plan marker${withMarker.length ? ':\n' + lines.join('\n') : '.'}${ignored.length ? `\nIgnored ${ignored.length} comment(s) with a plan marker not written by ${trustedAuthor}: ${ignored.map((c) => `${c.id} by ${c.author ?? 'unknown'}`).join(', ')}.` : ''}`,
    {
      input: withMarker.length ? 'label' : undefined,
      hint: withMarker.length
        ? 'Run terraform-apply with the same label, working-directory, workspace and backend-config as terraform-plan used on the pull request.'
        : 'Run terraform-plan on the pull request first (on: pull_request) with a github-token that may comment, then merge.'
    }
  )
}

/** Creates or updates the sticky comment; extra copies (from a race between two runs) are deleted. */
export async function upsertComment(gh: GitHub, t: IssueTarget, key: CommentKey, body: string, seen?: SeenComment[], trustedAuthor?: string): Promise<{ id: number; created: boolean; url?: string }> {
  const comments = seen ?? (await listComments(gh, t))
  const mine = comments.filter((c) => c.marker && sameKey(c.marker.key, key) && (!trustedAuthor || c.author === trustedAuthor))
  try {
    if (!mine.length) {
      const res = await gh.rest.issues.createComment({ owner: t.owner, repo: t.repo, issue_number: t.issue, body })
      return { id: res.data.id, created: true, url: res.data.html_url }
    }
    const keep = mine[mine.length - 1]
    const res = await gh.rest.issues.updateComment({ owner: t.owner, repo: t.repo, comment_id: keep.id, body })
    for (const extra of mine.slice(0, -1)) await gh.rest.issues.deleteComment({ owner: t.owner, repo: t.repo, comment_id: extra.id })
    return { id: keep.id, created: false, url: res.data.html_url }
  } catch (e) {
    throw githubError(e, `write the plan comment on #${t.issue}`)
  }
}

/** The label set a plan earns; the others of ours are removed so labels always tell the latest plan. */
export const PLAN_LABELS = { noChanges: 'terraform:no-changes', changes: 'terraform:changes', destroy: 'terraform:destroy', failed: 'terraform:plan-failed' }

export async function setPlanLabels(gh: GitHub, t: IssueTarget, want: string[]): Promise<void> {
  try {
    const current = (await gh.paginate(gh.rest.issues.listLabelsOnIssue, { owner: t.owner, repo: t.repo, issue_number: t.issue, per_page: 100 })).map((l) => l.name)
    const ours = Object.values(PLAN_LABELS)
    const add = want.filter((l) => !current.includes(l))
    if (add.length) await gh.rest.issues.addLabels({ owner: t.owner, repo: t.repo, issue_number: t.issue, labels: add })
    for (const l of current.filter((c) => ours.includes(c) && !want.includes(c))) await gh.rest.issues.removeLabel({ owner: t.owner, repo: t.repo, issue_number: t.issue, name: l })
  } catch (e) {
    throw githubError(e, `set labels on #${t.issue}`)
  }
}
