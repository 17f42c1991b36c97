/**
 * In-memory state of the GitHub simulator: repositories with issues (pull requests are issues
 * too, as on GitHub), comments, labels, pull requests and workflow runs with their jobs.
 */
export interface SimUser {
  login: string
  id: number
  type: 'User' | 'Bot'
}

export interface SimComment {
  id: number
  issue: number
  body: string
  user: SimUser
  created_at: string
  updated_at: string
}

export interface SimIssue {
  number: number
  title: string
  body: string
  state: 'open' | 'closed'
  state_reason?: string | null
  labels: string[]
  user: SimUser
  pull?: { head: { ref: string; sha: string }; base: { ref: string }; merged: boolean; merge_commit_sha?: string }
  created_at: string
  updated_at: string
}

export interface SimJob {
  id: number
  name: string
  status: 'queued' | 'in_progress' | 'completed'
  conclusion?: string | null
  runner_name?: string | null
  started_at?: string | null
  completed_at?: string | null
}

export interface SimRun {
  id: number
  name: string
  status: 'queued' | 'in_progress' | 'completed'
  conclusion?: string | null
  event: string
  head_sha: string
  created_at: string
  updated_at: string
  jobs: SimJob[]
}

export interface SimRepo {
  owner: string
  name: string
  issues: Map<number, SimIssue>
  comments: Map<number, SimComment>
  labels: Map<string, { name: string; color: string; description: string | null }>
  runs: Map<number, SimRun>
  nextIssue: number
}

export class GitHubState {
  readonly repos = new Map<string, SimRepo>()
  private nextId = 1000
  constructor(private readonly clock: () => Date = () => new Date()) {}

  now(): string {
    return this.clock().toISOString().replace(/\.\d{3}Z$/, 'Z')
  }

  id(): number {
    return this.nextId++
  }

  repo(full: string, create = true): SimRepo | undefined {
    let r = this.repos.get(full)
    if (!r && create) {
      const [owner, name] = full.split('/')
      r = { owner, name, issues: new Map(), comments: new Map(), labels: new Map(), runs: new Map(), nextIssue: 1 }
      this.repos.set(full, r)
    }
    return r
  }

  addIssue(full: string, i: Partial<SimIssue> & { title: string; user: SimUser }): SimIssue {
    const r = this.repo(full)!
    const number = i.number ?? r.nextIssue
    r.nextIssue = Math.max(r.nextIssue, number + 1)
    const issue: SimIssue = { number, body: '', state: 'open', labels: [], created_at: this.now(), updated_at: this.now(), ...i }
    for (const l of issue.labels) this.ensureLabel(r, l)
    r.issues.set(number, issue)
    return issue
  }

  ensureLabel(r: SimRepo, name: string): void {
    if (!r.labels.has(name)) r.labels.set(name, { name, color: 'ededed', description: null })
  }

  addComment(full: string, issue: number, body: string, user: SimUser): SimComment {
    const r = this.repo(full)!
    const c: SimComment = { id: this.id(), issue, body, user, created_at: this.now(), updated_at: this.now() }
    r.comments.set(c.id, c)
    return c
  }

  addRun(full: string, run: Partial<Omit<SimRun, "jobs">> & { jobs?: Partial<SimJob>[] }): SimRun {
    const r = this.repo(full)!
    const id = run.id ?? this.id()
    const jobs = (run.jobs ?? []).map((j): SimJob => Object.assign({ id: this.id(), name: 'job', status: 'completed' as const, conclusion: 'success', runner_name: null, started_at: null, completed_at: null }, j))
    const full_: SimRun = { name: 'ci', status: 'completed', conclusion: 'success', event: 'push', head_sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', created_at: this.now(), updated_at: this.now(), ...run, id, jobs }
    r.runs.set(id, full_)
    return full_
  }
}
