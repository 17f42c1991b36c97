import type { SimComment, SimIssue, SimJob, SimRepo, SimRun, SimUser } from './github-state.js'

/** JSON shapes as GitHub's REST API returns them (the fields Octokit users read). */
export interface Urls {
  api: string
  web: string
}

export function user(u: SimUser, urls: Urls) {
  return { login: u.login, id: u.id, node_id: `U_${u.id}`, type: u.type, site_admin: false, html_url: `${urls.web}/${u.login}`, url: `${urls.api}/users/${encodeURIComponent(u.login)}` }
}

export function label(r: SimRepo, name: string, urls: Urls) {
  const l = r.labels.get(name) ?? { name, color: 'ededed', description: null }
  return { id: Math.abs(hashCode(name)), node_id: `LA_${hashCode(name)}`, url: `${urls.api}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(name)}`, name: l.name, color: l.color, description: l.description, default: false }
}

export function comment(r: SimRepo, c: SimComment, urls: Urls) {
  return {
    id: c.id,
    node_id: `IC_${c.id}`,
    url: `${urls.api}/repos/${r.owner}/${r.name}/issues/comments/${c.id}`,
    html_url: `${urls.web}/${r.owner}/${r.name}/issues/${c.issue}#issuecomment-${c.id}`,
    issue_url: `${urls.api}/repos/${r.owner}/${r.name}/issues/${c.issue}`,
    body: c.body,
    user: user(c.user, urls),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: c.user.type === 'Bot' ? 'NONE' : 'MEMBER'
  }
}

export function issue(r: SimRepo, i: SimIssue, urls: Urls) {
  const base = `${urls.api}/repos/${r.owner}/${r.name}`
  return {
    id: i.number + 500_000,
    node_id: `I_${i.number}`,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason ?? null,
    locked: false,
    labels: i.labels.map((l) => label(r, l, urls)),
    user: user(i.user, urls),
    comments: [...r.comments.values()].filter((c) => c.issue === i.number).length,
    url: `${base}/issues/${i.number}`,
    html_url: `${urls.web}/${r.owner}/${r.name}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: i.state === 'closed' ? i.updated_at : null,
    ...(i.pull ? { pull_request: { url: `${base}/pulls/${i.number}`, html_url: `${urls.web}/${r.owner}/${r.name}/pull/${i.number}` } } : {})
  }
}

export function pull(r: SimRepo, i: SimIssue, urls: Urls) {
  const p = i.pull!
  return {
    id: i.number + 900_000,
    number: i.number,
    state: i.state,
    title: i.title,
    body: i.body,
    user: user(i.user, urls),
    labels: i.labels.map((l) => label(r, l, urls)),
    html_url: `${urls.web}/${r.owner}/${r.name}/pull/${i.number}`,
    url: `${urls.api}/repos/${r.owner}/${r.name}/pulls/${i.number}`,
    head: { ref: p.head.ref, sha: p.head.sha, label: `${r.owner}:${p.head.ref}` },
    base: { ref: p.base.ref, label: `${r.owner}:${p.base.ref}` },
    merged: p.merged,
    merged_at: p.merged ? i.updated_at : null,
    merge_commit_sha: p.merge_commit_sha ?? null,
    created_at: i.created_at,
    updated_at: i.updated_at
  }
}

export function run(r: SimRepo, x: SimRun, urls: Urls) {
  return {
    id: x.id,
    name: x.name,
    status: x.status,
    conclusion: x.conclusion ?? null,
    event: x.event,
    head_sha: x.head_sha,
    run_attempt: 1,
    html_url: `${urls.web}/${r.owner}/${r.name}/actions/runs/${x.id}`,
    url: `${urls.api}/repos/${r.owner}/${r.name}/actions/runs/${x.id}`,
    jobs_url: `${urls.api}/repos/${r.owner}/${r.name}/actions/runs/${x.id}/jobs`,
    created_at: x.created_at,
    updated_at: x.updated_at,
    repository: { full_name: `${r.owner}/${r.name}` }
  }
}

export function job(r: SimRepo, x: SimRun, j: SimJob, urls: Urls) {
  return {
    id: j.id,
    run_id: x.id,
    name: j.name,
    status: j.status,
    conclusion: j.conclusion ?? null,
    runner_name: j.runner_name ?? null,
    started_at: j.started_at ?? x.created_at,
    completed_at: j.completed_at ?? null,
    html_url: `${urls.web}/${r.owner}/${r.name}/actions/runs/${x.id}/job/${j.id}`,
    head_sha: x.head_sha,
    steps: []
  }
}

function hashCode(s: string): number {
  let h = 0
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0
  return h
}
