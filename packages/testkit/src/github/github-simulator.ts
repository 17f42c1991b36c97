import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GitHubState, type SimRepo, type SimUser } from './github-state.js'
import * as json from './github-render.js'

/**
 * A GitHub REST API simulator on 127.0.0.1 that Octokit talks to for real: token auth,
 * x-ratelimit-* headers (and a primary limit that runs out), Link pagination, and faults
 * (secondary rate limits with Retry-After, 5xx) injected per route.
 */
export interface GitHubFault {
  method?: string
  /** Matched against the path without query. */
  path?: RegExp
  kind: 'secondary-rate-limit' | 'server-error' | 'rate-limit'
  retryAfter?: number
  times?: number
}

export interface LoggedRequest {
  method: string
  path: string
  query: Record<string, string>
  status: number
  user?: string
  body?: unknown
}

export interface GitHubSimulatorOptions {
  /** token -> user; the default maps "ghs_test_token" to github-actions[bot]. */
  tokens?: Record<string, SimUser>
  rateLimit?: number
  webUrl?: string
}

export const ACTIONS_BOT: SimUser = { login: 'github-actions[bot]', id: 41898282, type: 'Bot' }
export const DEFAULT_TOKEN = 'ghs_test_token'

type Handler = (ctx: Ctx) => unknown
interface Ctx {
  req: IncomingMessage
  res: ServerResponse
  params: string[]
  query: URLSearchParams
  body: Record<string, unknown>
  user: SimUser
  repo: SimRepo
  full: string
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message)
  }
}

export class GitHubSimulator {
  readonly state = new GitHubState()
  readonly requests: LoggedRequest[] = []
  private readonly faults: GitHubFault[] = []
  private readonly tokens: Record<string, SimUser>
  private readonly used = new Map<string, number>()
  private readonly limit: number
  private readonly routes: [string, RegExp, Handler][] = []
  private server?: Server
  url = ''
  readonly webUrl: string

  constructor(o: GitHubSimulatorOptions = {}) {
    this.tokens = o.tokens ?? { [DEFAULT_TOKEN]: ACTIONS_BOT }
    this.limit = o.rateLimit ?? 5000
    this.webUrl = o.webUrl ?? 'https://github.com'
    this.defineRoutes()
  }

  addToken(token: string, u: SimUser): void {
    this.tokens[token] = u
  }

  fault(f: GitHubFault): void {
    this.faults.push({ times: 1, ...f })
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.url
  }

  async stop(): Promise<void> {
    if (!this.server) return
    this.server.closeAllConnections()
    await new Promise<void>((r) => this.server!.close(() => r()))
    this.server = undefined
  }

  private urls(): json.Urls {
    return { api: this.url, web: this.webUrl }
  }

  private route(method: string, pattern: string, h: Handler): void {
    const re = new RegExp(`^${pattern.replace(/:[a-z]+/g, '([^/]+)')}$`)
    this.routes.push([method, re, h])
  }

  private page<T>(ctx: Ctx, items: T[]): T[] {
    const per = Math.min(100, Number(ctx.query.get('per_page') ?? 30) || 30)
    const page = Math.max(1, Number(ctx.query.get('page') ?? 1) || 1)
    const last = Math.max(1, Math.ceil(items.length / per))
    const link = (p: number, rel: string) => {
      const q = new URLSearchParams(ctx.query)
      q.set('page', String(p))
      q.set('per_page', String(per))
      return `<${this.url}${new URL(ctx.req.url!, this.url).pathname}?${q}>; rel="${rel}"`
    }
    const links: string[] = []
    if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
    if (page > 1) links.push(link(1, 'first'), link(page - 1, 'prev'))
    if (links.length) ctx.res.setHeader('link', links.join(', '))
    return items.slice((page - 1) * per, page * per)
  }

  private issueOf(ctx: Ctx, n: string) {
    const i = ctx.repo.issues.get(Number(n))
    if (!i) throw new HttpError(404, 'Not Found')
    return i
  }

  private defineRoutes(): void {
    const u = () => this.urls()
    this.route('GET', '/repos/:o/:r/issues/:n/comments', (c) => {
      this.issueOf(c, c.params[2])
      return this.page(c, [...c.repo.comments.values()].filter((x) => x.issue === Number(c.params[2])).map((x) => json.comment(c.repo, x, u())))
    })
    this.route('POST', '/repos/:o/:r/issues/:n/comments', (c) => {
      this.issueOf(c, c.params[2])
      if (typeof c.body.body !== 'string' || !c.body.body) throw new HttpError(422, 'Validation Failed: body is missing')
      if (c.body.body.length > 65536) throw new HttpError(422, 'Validation Failed: body is too long (maximum is 65536 characters)')
      c.res.statusCode = 201
      return json.comment(c.repo, this.state.addComment(c.full, Number(c.params[2]), c.body.body, c.user), u())
    })
    const commentOf = (c: Ctx) => {
      const x = c.repo.comments.get(Number(c.params[2]))
      if (!x) throw new HttpError(404, 'Not Found')
      return x
    }
    this.route('GET', '/repos/:o/:r/issues/comments/:id', (c) => json.comment(c.repo, commentOf(c), u()))
    this.route('PATCH', '/repos/:o/:r/issues/comments/:id', (c) => {
      const x = commentOf(c)
      if (x.user.login !== c.user.login) throw new HttpError(403, 'Resource not accessible by integration')
      if (typeof c.body.body !== 'string' || c.body.body.length > 65536) throw new HttpError(422, 'Validation Failed: body is missing or too long (maximum is 65536 characters)')
      x.body = c.body.body
      x.updated_at = this.state.now()
      return json.comment(c.repo, x, u())
    })
    this.route('DELETE', '/repos/:o/:r/issues/comments/:id', (c) => {
      const x = commentOf(c)
      if (x.user.login !== c.user.login) throw new HttpError(403, 'Resource not accessible by integration')
      c.repo.comments.delete(x.id)
      c.res.statusCode = 204
      return undefined
    })
    this.route('GET', '/repos/:o/:r/issues/:n/labels', (c) => this.page(c, this.issueOf(c, c.params[2]).labels.map((l) => json.label(c.repo, l, u()))))
    const addLabels = (c: Ctx, replace: boolean) => {
      const i = this.issueOf(c, c.params[2])
      const names = Array.isArray(c.body.labels) ? (c.body.labels as unknown[]).map((l) => (typeof l === 'string' ? l : String((l as { name: string }).name))) : []
      if (replace) i.labels = []
      for (const n of names) {
        this.state.ensureLabel(c.repo, n)
        if (!i.labels.includes(n)) i.labels.push(n)
      }
      return i.labels.map((l) => json.label(c.repo, l, u()))
    }
    this.route('POST', '/repos/:o/:r/issues/:n/labels', (c) => addLabels(c, false))
    this.route('PUT', '/repos/:o/:r/issues/:n/labels', (c) => addLabels(c, true))
    this.route('DELETE', '/repos/:o/:r/issues/:n/labels/:name', (c) => {
      const i = this.issueOf(c, c.params[2])
      const name = decodeURIComponent(c.params[3])
      if (!i.labels.includes(name)) throw new HttpError(404, 'Label does not exist')
      i.labels = i.labels.filter((l) => l !== name)
      return i.labels.map((l) => json.label(c.repo, l, u()))
    })
    this.route('GET', '/repos/:o/:r/labels', (c) => this.page(c, [...c.repo.labels.keys()].map((l) => json.label(c.repo, l, u()))))
    this.route('POST', '/repos/:o/:r/labels', (c) => {
      const name = String(c.body.name ?? '')
      if (!name) throw new HttpError(422, 'Validation Failed: name is missing')
      if (c.repo.labels.has(name)) throw new HttpError(422, 'Validation Failed: already_exists')
      c.repo.labels.set(name, { name, color: String(c.body.color ?? 'ededed'), description: (c.body.description as string) ?? null })
      c.res.statusCode = 201
      return json.label(c.repo, name, u())
    })
    this.route('GET', '/repos/:o/:r/issues', (c) => {
      const state = c.query.get('state') ?? 'open'
      const labels = (c.query.get('labels') ?? '').split(',').filter(Boolean)
      const list = [...c.repo.issues.values()].filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l))).sort((a, b) => b.number - a.number)
      return this.page(c, list.map((i) => json.issue(c.repo, i, u())))
    })
    this.route('POST', '/repos/:o/:r/issues', (c) => {
      if (typeof c.body.title !== 'string' || !c.body.title) throw new HttpError(422, 'Validation Failed: title is missing')
      if (typeof c.body.body === 'string' && c.body.body.length > 65536) throw new HttpError(422, 'Validation Failed: body is too long (maximum is 65536 characters)')
      const labels = Array.isArray(c.body.labels) ? (c.body.labels as string[]) : []
      c.res.statusCode = 201
      return json.issue(c.repo, this.state.addIssue(c.full, { title: c.body.title, body: String(c.body.body ?? ''), labels, user: c.user }), u())
    })
    this.route('GET', '/repos/:o/:r/issues/:n', (c) => json.issue(c.repo, this.issueOf(c, c.params[2]), u()))
    this.route('PATCH', '/repos/:o/:r/issues/:n', (c) => {
      const i = this.issueOf(c, c.params[2])
      if (typeof c.body.title === 'string') i.title = c.body.title
      if (typeof c.body.body === 'string') {
        if (c.body.body.length > 65536) throw new HttpError(422, 'Validation Failed: body is too long (maximum is 65536 characters)')
        i.body = c.body.body
      }
      if (c.body.state === 'open' || c.body.state === 'closed') i.state = c.body.state
      if (typeof c.body.state_reason === 'string') i.state_reason = c.body.state_reason
      if (Array.isArray(c.body.labels)) i.labels = c.body.labels as string[]
      i.updated_at = this.state.now()
      return json.issue(c.repo, i, u())
    })
    const pullOf = (c: Ctx) => {
      const i = this.issueOf(c, c.params[2])
      if (!i.pull) throw new HttpError(404, 'Not Found')
      return i
    }
    this.route('GET', '/repos/:o/:r/pulls/:n', (c) => json.pull(c.repo, pullOf(c), u()))
    this.route('GET', '/repos/:o/:r/pulls', (c) => {
      const state = c.query.get('state') ?? 'open'
      return this.page(c, [...c.repo.issues.values()].filter((i) => i.pull && (state === 'all' || i.state === state)).map((i) => json.pull(c.repo, i, u())))
    })
    this.route('GET', '/repos/:o/:r/commits/:sha/pulls', (c) =>
      this.page(c, [...c.repo.issues.values()].filter((i) => i.pull && (i.pull.merge_commit_sha === c.params[2] || i.pull.head.sha === c.params[2])).map((i) => json.pull(c.repo, i, u())))
    )
    this.route('GET', '/repos/:o/:r/actions/runs', (c) => {
      const runs = [...c.repo.runs.values()].filter((r) => !c.query.get('status') || r.status === c.query.get('status')).sort((a, b) => b.id - a.id)
      const items = this.page(c, runs.map((r) => json.run(c.repo, r, u())))
      return { total_count: runs.length, workflow_runs: items }
    })
    const runOf = (c: Ctx) => {
      const r = c.repo.runs.get(Number(c.params[2]))
      if (!r) throw new HttpError(404, 'Not Found')
      return r
    }
    this.route('GET', '/repos/:o/:r/actions/runs/:id', (c) => json.run(c.repo, runOf(c), u()))
    this.route('GET', '/repos/:o/:r/actions/runs/:id/jobs', (c) => {
      const r = runOf(c)
      return { total_count: r.jobs.length, jobs: this.page(c, r.jobs.map((j) => json.job(c.repo, r, j, u()))) }
    })
  }

  private rateHeaders(res: ServerResponse, who: string): number {
    const used = (this.used.get(who) ?? 0) + 1
    this.used.set(who, used)
    const remaining = Math.max(0, this.limit - used)
    res.setHeader('x-ratelimit-limit', String(this.limit))
    res.setHeader('x-ratelimit-remaining', String(remaining))
    res.setHeader('x-ratelimit-used', String(Math.min(used, this.limit)))
    res.setHeader('x-ratelimit-reset', String(Math.floor(Date.now() / 1000) + 3600))
    res.setHeader('x-ratelimit-resource', 'core')
    return used
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const chunks: Buffer[] = []
    for await (const ch of req) chunks.push(ch as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const log: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), status: 200 }
    this.requests.push(log)
    res.setHeader('content-type', 'application/json; charset=utf-8')
    res.setHeader('x-github-media-type', 'github.v3; format=json')
    res.setHeader('x-github-request-id', `SIM:${this.requests.length}`)
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      log.status = status
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v)
      res.statusCode = status
      res.end(body === undefined ? undefined : JSON.stringify(body))
    }
    try {
      const auth = req.headers.authorization ?? ''
      const token = /^(?:token|bearer)\s+(.+)$/i.exec(auth)?.[1]
      const user = token ? this.tokens[token] : undefined
      if (!user) return send(401, { message: token ? 'Bad credentials' : 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' })
      log.user = user.login
      const used = this.rateHeaders(res, user.login)
      const fault = this.faults.find((f) => (f.times ?? 1) > 0 && (!f.method || f.method === req.method) && (!f.path || f.path.test(url.pathname)))
      if (fault) {
        fault.times = (fault.times ?? 1) - 1
        if (fault.kind === 'secondary-rate-limit') {
          return send(403, { message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID SIM:${this.requests.length}.`, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits', status: '403' }, { 'retry-after': String(fault.retryAfter ?? 1) })
        }
        if (fault.kind === 'rate-limit') {
          res.setHeader('x-ratelimit-remaining', '0')
          res.setHeader('x-ratelimit-reset', String(Math.floor(Date.now() / 1000) + (fault.retryAfter ?? 1)))
          return send(403, { message: `API rate limit exceeded for user ID ${user.id}.`, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api', status: '403' })
        }
        return send(502, { message: 'Server Error' })
      }
      if (used > this.limit) return send(403, { message: `API rate limit exceeded for user ID ${user.id}.`, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' })
      if (url.pathname === '/user') return send(200, json.user(user, this.urls()))
      if (url.pathname === '/rate_limit') return send(200, { resources: { core: { limit: this.limit, remaining: Math.max(0, this.limit - used), used } } })
      let body: Record<string, unknown> = {}
      if (raw) {
        try {
          body = JSON.parse(raw) as Record<string, unknown>
        } catch {
          return send(400, { message: 'Problems parsing JSON' })
        }
      }
      log.body = body
      for (const [method, re, h] of this.routes) {
        if (method !== req.method) continue
        const m = re.exec(url.pathname)
        if (!m) continue
        const params = m.slice(1).map(decodeURIComponent)
        const full = `${params[0]}/${params[1]}`
        const repo = this.state.repo(full, false)
        if (!repo) return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
        res.statusCode = 200
        const out = h({ req, res, params, query: url.searchParams, body, user, repo, full })
        return send(res.statusCode, out)
      }
      send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' })
    } catch (e) {
      if (e instanceof HttpError) return send(e.status, { message: e.message, documentation_url: 'https://docs.github.com/rest' }, e.headers)
      send(500, { message: (e as Error).message })
    }
  }
}

export async function startGitHubSimulator(o: GitHubSimulatorOptions = {}): Promise<GitHubSimulator> {
  const sim = new GitHubSimulator(o)
  await sim.start()
  return sim
}
