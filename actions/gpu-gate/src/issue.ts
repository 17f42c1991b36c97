import { GpushipError, escapeMarkdown, hiddenMarker, inlineCode, readMarker, retry, table, type Logger } from '@gpuship/core'
import type { GpuVerdict } from '@gpuship/gates'

const MARKER = 'gpu-health'

export interface IssueOptions {
  token: string
  owner: string
  repo: string
  label: string
  runUrl: string
  log: Logger
}

function body(sick: GpuVerdict[], runUrl: string, cordoned: string[]): string {
  // raw-mode table: it escapes the pipes itself
  const md = (t: string) => escapeMarkdown(t).replace(/\\\|/g, '|')
  const rows = sick.map((g) => [inlineCode(g.node), md(g.gpu), inlineCode(g.uuid), md(g.model), md(g.reasons.map((r) => r.replace(/^.*?: /, '')).join('; '))])
  return [
    hiddenMarker(MARKER, { v: 1 }),
    `## ${sick.length} sick GPU(s) on ${new Set(sick.map((g) => g.node)).size} node(s)`,
    '',
    table(['node', 'gpu', 'UUID', 'model', 'why'], rows, { raw: true }),
    '',
    cordoned.length ? `Cordoned by this run: ${cordoned.map((n) => inlineCode(n)).join(', ')}.` : '',
    `Last checked by ${runUrl}. This issue is updated by each gpu-gate run and closed when the GPUs are healthy again.`
  ].filter((l, i, a) => l !== '' || a[i - 1] !== '').join('\n')
}

/**
 * One issue for the fleet's sick GPUs: found by label and hidden marker, updated in place,
 * reopened if needed, and closed by the first run that finds nothing sick.
 */
export async function syncIssue(sick: GpuVerdict[], cordoned: string[], o: IssueOptions): Promise<number | undefined> {
  const { getOctokit } = await import('@actions/github')
  if (!o.token) throw new GpushipError('open-issue is true but github-token is empty.', { input: 'github-token', hint: 'with:\n  github-token: ${{ github.token }}\nand grant the job "permissions: { issues: write }".' })
  const gh = getOctokit(o.token, { baseUrl: (process.env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '') })
  // listing is safe to repeat; the writes below are not retried (a repeat could double-post)
  const { data: list } = await retry(() => gh.rest.issues.listForRepo({ owner: o.owner, repo: o.repo, labels: o.label, state: 'all', per_page: 50 }), {
    maxAttempts: 3,
    baseMs: 1000,
    maxMs: 8000,
    isRetryable: (e) => ((e as { status?: number }).status ?? 500) >= 500 || (e as { status?: number }).status === 429,
    label: 'list sick-GPU issues'
  })
  const mine = list.filter((i) => !i.pull_request && readMarker(i.body ?? '', MARKER) !== undefined)
  const existing = mine.find((i) => i.state === 'open') ?? mine[0]
  if (!sick.length) {
    if (existing && existing.state === 'open') {
      await gh.rest.issues.createComment({ owner: o.owner, repo: o.repo, issue_number: existing.number, body: `All GPUs healthy again (${o.runUrl}). Closing.` })
      await gh.rest.issues.update({ owner: o.owner, repo: o.repo, issue_number: existing.number, state: 'closed' })
      o.log.info(`closed issue #${existing.number}: all GPUs healthy`)
      return existing.number
    }
    return undefined
  }
  const title = `GPU health: ${sick.length} sick GPU(s) on ${[...new Set(sick.map((g) => g.node))].slice(0, 3).join(', ')}${new Set(sick.map((g) => g.node)).size > 3 ? ', …' : ''}`
  const text = body(sick, o.runUrl, cordoned)
  if (existing) {
    await gh.rest.issues.update({ owner: o.owner, repo: o.repo, issue_number: existing.number, title, body: text, state: 'open' })
    o.log.info(`updated issue #${existing.number}`)
    return existing.number
  }
  const { data } = await gh.rest.issues.create({ owner: o.owner, repo: o.repo, title, body: text, labels: [o.label] })
  o.log.info(`opened issue #${data.number}`)
  return data.number
}
