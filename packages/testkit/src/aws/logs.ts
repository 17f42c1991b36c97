import type { AwsSimulator } from './server.js'
import { AwsError } from './errors.js'
import { jsonResponse, type AwsResponse } from './protocol.js'
import { ext, type AwsState } from './state.js'

/** CloudWatch Logs events by log group, then stream (the EKS control plane writes `authenticator-…` streams). */
export interface LogEvent {
  timestamp: number
  message: string
}

export type LogsWorld = Map<string, Map<string, LogEvent[]>>

export function logsWorld(state: AwsState): LogsWorld {
  return ext(state, 'logs', () => new Map<string, Map<string, LogEvent[]>>())
}

/** Filter patterns as the doctor and most people write them: quoted phrases and bare terms, all required. */
function matches(pattern: string | undefined, message: string): boolean {
  if (!pattern) return true
  const terms = [...pattern.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2])
  return terms.every((t) => message.includes(t))
}

/** FilterLogEvents (awsJson1.1, `Logs_20140328.FilterLogEvents`) as a pure function of the request and the world. */
export function handleLogs(action: string, body: Record<string, unknown> | undefined, w: LogsWorld, arnPrefix = 'arn:aws:logs:us-east-1:123456789012'): AwsResponse {
  if (action === 'DescribeLogGroups') {
    const prefix = typeof body?.logGroupNamePrefix === 'string' ? body.logGroupNamePrefix : ''
    const groups = [...w.keys()].filter((g) => g.startsWith(prefix)).sort()
    return jsonResponse({ logGroups: groups.map((g) => ({ logGroupName: g, arn: `${arnPrefix}:log-group:${g}:*`, creationTime: 0, storedBytes: 0 })) }, 200, 'json')
  }
  if (action !== 'FilterLogEvents') throw new AwsError('UnknownOperationException', `The simulator does not implement ${action}`, 400)
  const group = String(body?.logGroupName ?? '')
  const streams = w.get(group)
  if (!streams) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.', 400)
  const prefix = typeof body?.logStreamNamePrefix === 'string' ? body.logStreamNamePrefix : ''
  const start = Number(body?.startTime ?? 0)
  const end = Number(body?.endTime ?? Number.MAX_SAFE_INTEGER)
  const limit = Math.min(Number(body?.limit ?? 10_000), 10_000)
  const events = [...streams]
    .filter(([name]) => name.startsWith(prefix))
    .flatMap(([name, list]) =>
      list.map((e, i) => ({
        logStreamName: name,
        timestamp: e.timestamp,
        ingestionTime: e.timestamp + 500,
        message: e.message,
        eventId: `${e.timestamp}${String(i).padStart(6, '0')}`
      }))
    )
    .filter((e) => e.timestamp >= start && e.timestamp <= end && matches(body?.filterPattern as string | undefined, e.message))
    .sort((a, b) => a.timestamp - b.timestamp)
    .slice(0, limit)
  return jsonResponse(
    {
      events,
      searchedLogStreams: [...streams.keys()].filter((n) => n.startsWith(prefix)).map((logStreamName) => ({ logStreamName, searchedCompletely: true }))
    },
    200,
    'json'
  )
}

export function registerLogs(sim: AwsSimulator): void {
  const w = logsWorld(sim.state)
  sim.register('logs', (req) => handleLogs(req.action, req.json, w, `arn:${sim.state.partition}:logs:${req.region}:${req.caller?.account ?? ''}`), { protocol: 'json' })
}
