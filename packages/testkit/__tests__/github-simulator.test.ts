import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { DEFAULT_TOKEN, startGitHubSimulator, type GitHubSimulator } from '../src/index.js'

// The wire behaviour Octokit relies on, checked with plain fetch (the Octokit contract test is
// packages/terraform/__tests__/github-client.test.ts).
let sim: GitHubSimulator
const REPO = 'octo-org/inference'

beforeAll(async () => {
  sim = await startGitHubSimulator()
  sim.state.addIssue(REPO, { title: 'pr', user: { login: 'dev', id: 1, type: 'User' }, pull: { head: { ref: 'x', sha: 'f'.repeat(40) }, base: { ref: 'main' }, merged: false } })
})
afterAll(async () => {
  await sim.stop()
})

const call = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${sim.url}${path}`, { ...init, headers: { authorization: `token ${init.token ?? DEFAULT_TOKEN}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) } })

describe('GitHub simulator', () => {
  test('token auth: a missing or wrong token is a 401 with GitHub message', async () => {
    const res = await fetch(`${sim.url}/repos/${REPO}/issues/1`)
    expect(res.status).toBe(401)
    expect((await res.json()).message).toBe('Requires authentication')
    expect((await call(`/repos/${REPO}/issues/1`, { token: 'nope' })).status).toBe(401)
  })

  test('rate-limit headers count down per token', async () => {
    const a = await call(`/repos/${REPO}/issues/1`)
    const b = await call(`/repos/${REPO}/issues/1`)
    expect(a.headers.get('x-ratelimit-limit')).toBe('5000')
    expect(Number(b.headers.get('x-ratelimit-remaining'))).toBe(Number(a.headers.get('x-ratelimit-remaining')) - 1)
    expect(a.headers.get('x-ratelimit-resource')).toBe('core')
  })

  test('comments: create, list with Link pagination, update, delete; bodies over 65,536 rejected', async () => {
    for (let i = 0; i < 5; i++) expect((await call(`/repos/${REPO}/issues/1/comments`, { method: 'POST', body: JSON.stringify({ body: `c${i}` }) })).status).toBe(201)
    const page1 = await call(`/repos/${REPO}/issues/1/comments?per_page=2`)
    expect((await page1.json()).map((c: { body: string }) => c.body)).toEqual(['c0', 'c1'])
    expect(page1.headers.get('link')).toMatch(/per_page=2&page=2>; rel="next", <[^>]*per_page=2&page=3>; rel="last"/)
    const first = (await (await call(`/repos/${REPO}/issues/1/comments?per_page=1`)).json())[0]
    expect((await call(`/repos/${REPO}/issues/comments/${first.id}`, { method: 'PATCH', body: JSON.stringify({ body: 'edited' }) })).status).toBe(200)
    expect((await call(`/repos/${REPO}/issues/comments/${first.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await call(`/repos/${REPO}/issues/comments/${first.id}`)).status).toBe(404)
    const tooLong = await call(`/repos/${REPO}/issues/1/comments`, { method: 'POST', body: JSON.stringify({ body: 'x'.repeat(65_537) }) })
    expect(tooLong.status).toBe(422)
  })

  test('a secondary rate limit fault is a 403 with Retry-After, once', async () => {
    sim.fault({ path: /\/labels$/, kind: 'secondary-rate-limit', retryAfter: 7 })
    const limited = await call(`/repos/${REPO}/issues/1/labels`)
    expect(limited.status).toBe(403)
    expect(limited.headers.get('retry-after')).toBe('7')
    expect((await limited.json()).message).toMatch(/secondary rate limit/)
    expect((await call(`/repos/${REPO}/issues/1/labels`)).status).toBe(200)
  })

  test('labels, issues and workflow runs', async () => {
    await call(`/repos/${REPO}/issues/1/labels`, { method: 'POST', body: JSON.stringify({ labels: ['terraform:destroy'] }) })
    expect((await (await call(`/repos/${REPO}/issues/1/labels`)).json()).map((l: { name: string }) => l.name)).toEqual(['terraform:destroy'])
    expect((await call(`/repos/${REPO}/issues/1/labels/terraform%3Adestroy`, { method: 'DELETE' })).status).toBe(200)
    const issue = await (await call(`/repos/${REPO}/issues`, { method: 'POST', body: JSON.stringify({ title: 'drift', labels: ['terraform:drift'] }) })).json()
    const listed = await (await call(`/repos/${REPO}/issues?labels=terraform:drift&state=open`)).json()
    expect(listed.map((i: { number: number }) => i.number)).toEqual([issue.number])
    const run = sim.state.addRun(REPO, { jobs: [{ name: 'plan', runner_name: 'r1' }] })
    const jobs = await (await call(`/repos/${REPO}/actions/runs/${run.id}/jobs`)).json()
    expect(jobs.jobs[0]).toMatchObject({ name: 'plan', runner_name: 'r1', status: 'completed' })
  })
})
