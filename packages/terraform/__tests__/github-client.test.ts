import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { DEFAULT_TOKEN, startGitHubSimulator, type GitHubSimulator } from '@gpuship/testkit'
import { createGitHubClient, judgeLock, listComments, markerText, parseGoTime, upsertComment, type CommentKey } from '../src/index.js'

// Contract test: the real Octokit (@actions/github with the retry and throttling plugins)
// against the loopback GitHub simulator.
const REPO = 'octo-org/inference'
let sim: GitHubSimulator
let pr = 0
const key: CommentKey = { label: 'prod', dir: 'infra', workspace: 'default', backend: 'abc' }

beforeAll(async () => {
  sim = await startGitHubSimulator()
  pr = sim.state.addIssue(REPO, { title: 'pr', user: { login: 'dev', id: 1, type: 'User' }, pull: { head: { ref: 'x', sha: 'f'.repeat(40) }, base: { ref: 'main' }, merged: false } }).number
})
afterAll(async () => {
  await sim.stop()
})

describe('GitHub client over the simulator', () => {
  test('paginates comments through Link headers', async () => {
    for (let i = 0; i < 230; i++) sim.state.addComment(REPO, pr, `comment ${i}`, { login: 'dev', id: 1, type: 'User' })
    const gh = await createGitHubClient(DEFAULT_TOKEN, { baseUrl: sim.url })
    const before = sim.requests.length
    const all = await listComments(gh, { owner: 'octo-org', repo: 'inference', issue: pr })
    expect(all).toHaveLength(230)
    const pages = sim.requests.slice(before).filter((r) => r.path.endsWith('/comments'))
    expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3'])
  })

  test('creates once, then updates in place; a duplicate from a race is deleted', async () => {
    const gh = await createGitHubClient(DEFAULT_TOKEN, { baseUrl: sim.url })
    const t = { owner: 'octo-org', repo: 'inference', issue: pr }
    const body = (n: number) => `${markerText({ v: 1, key, hash: `sha256:${String(n).repeat(64)}`, status: 'planned' })}\nplan ${n}`
    const a = await upsertComment(gh, t, key, body(1))
    expect(a.created).toBe(true)
    const b = await upsertComment(gh, t, key, body(2))
    expect(b).toMatchObject({ created: false, id: a.id })
    sim.state.addComment(REPO, pr, body(3), { login: 'github-actions[bot]', id: 41898282, type: 'Bot' })
    await upsertComment(gh, t, key, body(4))
    const mine = (await listComments(gh, t)).filter((c) => c.marker)
    expect(mine).toHaveLength(1)
    expect(mine[0].body).toContain('plan 4')
  })

  test('waits out a secondary rate limit (Retry-After) and a 502, then succeeds', async () => {
    const gh = await createGitHubClient(DEFAULT_TOKEN, { baseUrl: sim.url })
    sim.fault({ method: 'GET', path: /\/pulls\/\d+$/, kind: 'secondary-rate-limit', retryAfter: 1 })
    sim.fault({ method: 'GET', path: /\/pulls\/\d+$/, kind: 'server-error' })
    const res = await gh.rest.pulls.get({ owner: 'octo-org', repo: 'inference', pull_number: pr })
    expect(res.data.number).toBe(pr)
    const hits = sim.requests.filter((r) => r.path.endsWith(`/pulls/${pr}`)).map((r) => r.status)
    expect(hits).toEqual([403, 502, 200])
    expect(res.headers['x-ratelimit-limit']).toBe('5000')
  })

  test('a bad token is a 401 that names the fix; it is not retried', async () => {
    const gh = await createGitHubClient('ghs_wrong', { baseUrl: sim.url })
    const before = sim.requests.length
    await expect(listComments(gh, { owner: 'octo-org', repo: 'inference', issue: pr })).rejects.toMatchObject({ message: expect.stringContaining('HTTP 401'), hint: expect.stringContaining('github-token') })
    expect(sim.requests.length - before).toBe(1)
  })

  test('judgeLock reads runs and jobs to decide whether a lock holder finished', async () => {
    const created = '2026-12-04 12:00:00.000000000 +0000 UTC'
    const t = parseGoTime(created)!
    const iso = (ms: number) => new Date(t + ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const run = sim.state.addRun(REPO, { created_at: iso(-120_000), jobs: [{ name: 'apply', status: 'completed', conclusion: 'failure', runner_name: 'self-hosted-7', started_at: iso(-60_000), completed_at: iso(300_000) }] })
    const gh = await createGitHubClient(DEFAULT_TOKEN, { baseUrl: sim.url })
    const r = { owner: 'octo-org', repo: 'inference' }
    expect(await judgeLock(gh, r, { id: 'l', who: 'runner@self-hosted-7', created }, t + 3600_000)).toMatchObject({ stale: true, runUrl: `https://github.com/octo-org/inference/actions/runs/${run.id}` })
    expect((await judgeLock(gh, r, { id: 'l', who: 'runner@other', created }, t + 3600_000)).stale).toBe(false)
    // a run URL in the lock's Info names the run directly
    const live = sim.state.addRun(REPO, { status: 'in_progress', conclusion: null })
    expect(await judgeLock(gh, r, { id: 'l', who: 'x@y', created, info: `https://github.com/octo-org/inference/actions/runs/${live.id}` })).toMatchObject({ stale: false })
  })
})
