import type { AwsSimulator } from './server.js'
import { AwsError } from './errors.js'
import { jsonResponse } from './protocol.js'
import { ext } from './state.js'

/**
 * Resource Groups Tagging API (GetResources, awsJson1.1, signing name `tagging`): the one read
 * that finds every tagged resource of an account across services, as teardown's orphan scan uses
 * it. Other simulated services do not feed it; tests and scenarios tag what they create with
 * `tagResource`, and `untagResource` when they delete it.
 */
interface Tagged {
  arn: string
  tags: Record<string, string>
}

function store(sim: AwsSimulator): Map<string, Tagged> {
  return ext(sim.state, 'tagging', () => new Map<string, Tagged>())
}

export function tagResource(sim: AwsSimulator, arn: string, tags: Record<string, string>): void {
  const s = store(sim)
  const cur = s.get(arn)
  s.set(arn, { arn, tags: { ...cur?.tags, ...tags } })
}

export function untagResource(sim: AwsSimulator, arn: string): void {
  store(sim).delete(arn)
}

export function taggedResources(sim: AwsSimulator): Tagged[] {
  return [...store(sim).values()]
}

const PAGE = 100

export function registerTagging(sim: AwsSimulator): void {
  sim.register(
    'tagging',
    (req) => {
      if (req.action !== 'GetResources') throw new AwsError('UnknownOperationException', `The simulator does not implement ${req.action}.`, 400)
      const body = (req.json ?? {}) as { TagFilters?: { Key: string; Values?: string[] }[]; PaginationToken?: string; ResourceTypeFilters?: string[] }
      const filters = body.TagFilters ?? []
      const account = req.caller?.account
      const matching = [...store(sim).values()].filter((r) => {
        const parts = r.arn.split(':')
        if (account && parts[4] && parts[4] !== account) return false
        if (parts[3] && parts[3] !== req.region) return false
        // Filters are ANDed; a filter's values are ORed; no values means the key alone.
        return filters.every((f) => f.Key in r.tags && (!f.Values?.length || f.Values.includes(r.tags[f.Key])))
      })
      const start = body.PaginationToken ? Number.parseInt(body.PaginationToken, 10) : 0
      if (Number.isNaN(start)) throw new AwsError('InvalidParameterException', 'The pagination token is not valid.', 400)
      const page = matching.slice(start, start + PAGE)
      const next = start + PAGE < matching.length ? String(start + PAGE) : ''
      return jsonResponse(
        { PaginationToken: next, ResourceTagMappingList: page.map((r) => ({ ResourceARN: r.arn, Tags: Object.entries(r.tags).map(([Key, Value]) => ({ Key, Value })) })) },
        200,
        'json'
      )
    },
    { protocol: 'json' }
  )
}
